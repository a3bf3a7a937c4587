package signup.client;

import io.grpc.ManagedChannel;
import signup.common.security.Transport;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import signup.client.v1.CancelClientRequest;
import signup.client.v1.Client;
import signup.client.v1.ClientParticipantGrpc;
import signup.client.v1.ClientServiceGrpc;
import signup.client.v1.ConfirmClientBatchRequest;
import signup.client.v1.ConfirmClientBatchResponse;
import signup.client.v1.ConfirmClientRequest;
import signup.client.v1.GetClientByEmailRequest;
import signup.client.v1.GetClientRequest;
import signup.client.v1.LoginRequest;
import signup.client.v1.LoginResponse;
import signup.client.v1.ReserveClientRequest;
import signup.common.grpc.GrpcServerHost;
import signup.common.security.BearerToken;
import signup.common.v1.DeviceType;

/**
 * A started client server on an in-process transport, built as main builds it, with a channel
 * and shorthands for the calls the tests make through real blocking stubs.
 */
public record InProcessClientServer(GrpcServerHost host, ManagedChannel channel,
    Transport transport)
    implements AutoCloseable {
  public static final String PASSWORD = "correct horse battery";

  public static InProcessClientServer start(ClientServerConfig config, InstantSource clock) {
    String name = InProcessServerBuilder.generateName();
    GrpcServerHost host =
        ClientServer.create(config, InProcessServerBuilder.forName(name), clock);
    try {
      host.start();
    } catch (RuntimeException e) {
      host.close();
      throw e;
    }
    return new InProcessClientServer(host, InProcessChannelBuilder.forName(name).build(),
        config.transport());
  }

  /** A valid request, region in lower case to show it is normalised. */
  public static ReserveClientRequest.Builder reserveRequest(String txn, String clientId,
      String email) {
    return ReserveClientRequest.newBuilder()
        .setTxnId(txn)
        .setClientId(clientId)
        .setEmail(email)
        .setName("Ann Lee")
        .setPassword(PASSWORD)
        .setRegion("us")
        .setDevice(DeviceType.IOS);
  }

  public ClientParticipantGrpc.ClientParticipantBlockingStub participant() {
    // The participant is internal: its calls carry the internal token, as the orchestrator's do.
    return ClientParticipantGrpc.newBlockingStub(transport.authenticated(channel))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** The participant called without credentials, as anyone on the network could. */
  public ClientParticipantGrpc.ClientParticipantBlockingStub anonymousParticipant() {
    return ClientParticipantGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** As a trusted backend would call: with the internal token, which may read any client. */
  public ClientServiceGrpc.ClientServiceBlockingStub clients() {
    return ClientServiceGrpc.newBlockingStub(transport.authenticated(channel))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** As anyone on the network would call: no credentials at all. */
  public ClientServiceGrpc.ClientServiceBlockingStub anonymousClients() {
    return ClientServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** As a logged-in client calls: with its access token. */
  public ClientServiceGrpc.ClientServiceBlockingStub clientsWith(String accessToken) {
    return anonymousClients().withCallCredentials(new BearerToken(accessToken));
  }

  public LoginResponse login(String email, String password) {
    return anonymousClients().login(LoginRequest.newBuilder().setEmail(email)
        .setPassword(password).build());
  }

  public Client reserve(String txn, String clientId, String email) {
    return participant().reserve(reserveRequest(txn, clientId, email).build()).getClient();
  }

  public Client confirm(String txn) {
    return participant().confirm(ConfirmClientRequest.newBuilder().setTxnId(txn).build())
        .getClient();
  }

  public ConfirmClientBatchResponse confirmBatch(String... txns) {
    return participant().confirmBatch(ConfirmClientBatchRequest.newBuilder()
        .addAllTxnIds(List.of(txns)).build());
  }

  public void cancel(String txn) {
    participant().cancel(CancelClientRequest.newBuilder().setTxnId(txn).build());
  }

  public Client getClient(String clientId) {
    return clients().getClient(GetClientRequest.newBuilder().setClientId(clientId).build());
  }

  public Client getClientByEmail(String email) {
    return clients().getClientByEmail(GetClientByEmailRequest.newBuilder().setEmail(email)
        .build());
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    host.close();
  }
}
