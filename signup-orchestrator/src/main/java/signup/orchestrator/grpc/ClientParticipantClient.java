package signup.orchestrator.grpc;

import io.grpc.Channel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import signup.client.v1.CancelClientRequest;
import signup.client.v1.ClientParticipantGrpc;
import signup.client.v1.ClientParticipantGrpc.ClientParticipantFutureStub;
import signup.client.v1.ConfirmClientBatchRequest;
import signup.client.v1.ConfirmClientBatchResponse;
import signup.client.v1.ConfirmClientRequest;
import signup.client.v1.ConfirmClientResponse;
import signup.client.v1.ReserveClientRequest;
import signup.common.grpc.ProtoValues;
import signup.orchestrator.domain.ClientParticipantPort;
import signup.orchestrator.domain.ClientReservation;
import signup.orchestrator.domain.SignupRequest;

/** The client participant over gRPC, every call with its deadline. */
public final class ClientParticipantClient extends ParticipantClient<
    ClientParticipantFutureStub, ConfirmClientResponse, ConfirmClientBatchResponse>
    implements ClientParticipantPort {
  /** @param batchSizes told how many txns each confirm call carries */
  public ClientParticipantClient(Channel channel, Duration reserveDeadline,
      Duration callDeadline, IntConsumer batchSizes) {
    super("client-server", ClientParticipantGrpc.newFutureStub(channel), reserveDeadline,
        callDeadline,
        new ConfirmCalls<>(
            (stub, txnId) -> stub.confirm(
                ConfirmClientRequest.newBuilder().setTxnId(txnId).build()),
            // A client shows only its creation time, which its reserve answered.
            reply -> Optional.empty(),
            (stub, txnIds) -> stub.confirmBatch(
                ConfirmClientBatchRequest.newBuilder().addAllTxnIds(txnIds).build()),
            reply -> reply.getResultsList().stream()
                .map(result -> new BatchAnswer(result.getTxnId(),
                    result.hasError() ? result.getError() : null, Optional.empty()))
                .toList()),
        (stub, txnId) -> stub.cancel(CancelClientRequest.newBuilder().setTxnId(txnId).build()),
        batchSizes);
  }

  @Override
  public CompletableFuture<ClientReservation> reserve(String txnId, String clientId,
      SignupRequest request) {
    ReserveClientRequest message = ReserveClientRequest.newBuilder()
        .setTxnId(txnId)
        .setClientId(clientId)
        .setEmail(request.email())
        .setName(request.name())
        .setPassword(request.password())
        .setRegion(request.region())
        .setDevice(ProtoValues.deviceType(request.device()))
        .build();
    return reserve(stub -> stub.reserve(message),
        reply -> new ClientReservation(reply.getClient().getClientId(),
            ProtoValues.instant(reply.getClient().getCreatedAt())));
  }
}
