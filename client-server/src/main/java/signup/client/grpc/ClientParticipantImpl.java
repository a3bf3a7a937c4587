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
import signup.client.v1.ConfirmClientRequest;
import signup.client.v1.ConfirmClientResponse;
import signup.client.v1.ReserveClientRequest;
import signup.client.v1.ReserveClientResponse;
import signup.common.grpc.NonBlockingService;
import signup.common.grpc.ProtoValues;
import signup.common.grpc.Replies;

/**
 * The orchestrator's try-confirm-cancel calls. They never block: each one hands its work to the
 * hasher and the database writer and answers when the write is durable, so the calls run on the
 * transport thread (see {@link NonBlockingService}). Failures go to the server's mapper.
 */
public final class ClientParticipantImpl extends ClientParticipantGrpc.ClientParticipantImplBase
    implements NonBlockingService {
  private final ClientRegistration registration;

  public ClientParticipantImpl(ClientRegistration registration) {
    this.registration = registration;
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
  public void cancel(CancelClientRequest request, StreamObserver<CancelClientResponse> response) {
    Replies.when(registration.cancel(request.getTxnId()),
        done -> CancelClientResponse.getDefaultInstance(), response);
  }
}
