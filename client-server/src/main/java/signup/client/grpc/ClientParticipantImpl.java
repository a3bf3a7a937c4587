package signup.client.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import signup.client.domain.ClientRegistration;
import signup.client.v1.CancelClientRequest;
import signup.client.v1.CancelClientResponse;
import signup.client.v1.ClientParticipantGrpc;
import signup.client.v1.ConfirmClientBatchRequest;
import signup.client.v1.ConfirmClientBatchResponse;
import signup.client.v1.ConfirmClientRequest;
import signup.client.v1.ConfirmClientResponse;
import signup.client.v1.ConfirmClientResult;
import signup.client.v1.ReserveClientRequest;
import signup.client.v1.ReserveClientResponse;
import signup.common.domain.TxnResult;
import signup.common.grpc.ExceptionMapper;
import signup.common.grpc.NonBlockingService;
import signup.common.grpc.ProtoValues;
import signup.common.grpc.Replies;

/**
 * The orchestrator's try-confirm-cancel calls. They never block: each one hands its work to the
 * hasher and the database writer and answers when the write is durable, so the calls run on the
 * transport thread (see {@link NonBlockingService}). Failures go to the server's mapper: a
 * call's through gRPC, each txn's of a batch into its result.
 */
public final class ClientParticipantImpl extends ClientParticipantGrpc.ClientParticipantImplBase
    implements NonBlockingService {
  private final ClientRegistration registration;
  private final ExceptionMapper mapper;

  /** @param mapper the server's, which a batch's failed txns are answered through */
  public ClientParticipantImpl(ClientRegistration registration, ExceptionMapper mapper) {
    this.registration = registration;
    this.mapper = mapper;
  }

  @Override
  public void reserve(ReserveClientRequest request,
      StreamObserver<ReserveClientResponse> response) {
    Deadline deadline = Context.current().getDeadline();
    Replies.when(registration.reserve(request.getTxnId(), request.getClientId(),
            request.getEmail(), request.getName(), request.getPassword(), request.getRegion(),
            ProtoValues.device(request.getDevice()),
            () -> deadline == null ? ClientRegistration.NO_DEADLINE
                : Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS))),
        client -> ReserveClientResponse.newBuilder()
            .setClient(ClientMessages.toProto(client))
            .build(),
        response);
  }

  @Override
  public void confirm(ConfirmClientRequest request,
      StreamObserver<ConfirmClientResponse> response) {
    Replies.when(registration.confirm(request.getTxnId()),
        client -> ConfirmClientResponse.newBuilder()
            .setClient(ClientMessages.toProto(client))
            .build(),
        response);
  }

  @Override
  public void confirmBatch(ConfirmClientBatchRequest request,
      StreamObserver<ConfirmClientBatchResponse> response) {
    Replies.when(registration.confirmAll(request.getTxnIdsList()),
        results -> {
          ConfirmClientBatchResponse.Builder reply = ConfirmClientBatchResponse.newBuilder();
          for (TxnResult<?> result : results) {
            ConfirmClientResult.Builder one = reply.addResultsBuilder()
                .setTxnId(result.txnId());
            if (!result.ok()) {
              one.setError(Replies.status(mapper, result.failure()));
            }
          }
          return reply.build();
        },
        response);
  }

  @Override
  public void cancel(CancelClientRequest request, StreamObserver<CancelClientResponse> response) {
    Replies.when(registration.cancel(request.getTxnId()),
        done -> CancelClientResponse.getDefaultInstance(), response);
  }
}
