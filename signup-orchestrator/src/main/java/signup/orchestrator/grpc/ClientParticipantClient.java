package signup.orchestrator.grpc;

import io.grpc.Channel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import signup.client.v1.CancelClientRequest;
import signup.client.v1.ClientParticipantGrpc;
import signup.client.v1.ClientParticipantGrpc.ClientParticipantFutureStub;
import signup.client.v1.ConfirmClientRequest;
import signup.client.v1.ConfirmClientResponse;
import signup.client.v1.ReserveClientRequest;
import signup.common.grpc.ProtoValues;
import signup.orchestrator.domain.ClientParticipantPort;
import signup.orchestrator.domain.ClientReservation;
import signup.orchestrator.domain.SignupRequest;

/** The client participant over gRPC, every call with its deadline. */
public final class ClientParticipantClient
    extends ParticipantClient<ClientParticipantFutureStub, ConfirmClientResponse>
    implements ClientParticipantPort {
  public ClientParticipantClient(Channel channel, Duration reserveDeadline,
      Duration callDeadline) {
    super("client-server", ClientParticipantGrpc.newFutureStub(channel), reserveDeadline,
        callDeadline,
        (stub, txnId) -> stub.confirm(ConfirmClientRequest.newBuilder().setTxnId(txnId).build()),
        // A client shows only its creation time, which its reserve answered.
        reply -> Optional.empty(),
        (stub, txnId) -> stub.cancel(CancelClientRequest.newBuilder().setTxnId(txnId).build()));
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
