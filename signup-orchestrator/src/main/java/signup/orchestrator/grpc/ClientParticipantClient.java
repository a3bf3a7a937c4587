package signup.orchestrator.grpc;

import io.grpc.Channel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import signup.client.v1.CancelClientRequest;
import signup.client.v1.ClientParticipantGrpc;
import signup.client.v1.ConfirmClientRequest;
import signup.client.v1.ReserveClientRequest;
import signup.common.grpc.ProtoValues;
import signup.orchestrator.domain.ClientParticipantPort;
import signup.orchestrator.domain.ClientReservation;
import signup.orchestrator.domain.SignupRequest;

/** The client participant over gRPC, every call with its deadline. */
public final class ClientParticipantClient implements ClientParticipantPort {
  private static final String NAME = "client-server";

  private final ClientParticipantGrpc.ClientParticipantFutureStub stub;
  private final Duration reserveDeadline;
  private final Duration callDeadline;

  public ClientParticipantClient(Channel channel, Duration reserveDeadline,
      Duration callDeadline) {
    this.stub = ParticipantCalls.repliesOnTransportThread(
        ClientParticipantGrpc.newFutureStub(channel));
    this.reserveDeadline = reserveDeadline;
    this.callDeadline = callDeadline;
  }

  @Override
  public String name() {
    return NAME;
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
    return ParticipantCalls.call(NAME,
        stub.withDeadlineAfter(reserveDeadline.toMillis(), TimeUnit.MILLISECONDS)
            .reserve(message),
        reply -> new ClientReservation(reply.getClient().getClientId(),
            ProtoValues.instant(reply.getClient().getCreatedAt())));
  }

  @Override
  public CompletableFuture<Void> confirm(String txnId) {
    return ParticipantCalls.call(NAME,
        stub.withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS)
            .confirm(ConfirmClientRequest.newBuilder().setTxnId(txnId).build()),
        reply -> null);
  }

  @Override
  public CompletableFuture<Void> cancel(String txnId) {
    return ParticipantCalls.call(NAME,
        stub.withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS)
            .cancel(CancelClientRequest.newBuilder().setTxnId(txnId).build()),
        reply -> null);
  }
}
