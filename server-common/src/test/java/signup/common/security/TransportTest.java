package signup.common.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.common.TestCertificates;
import signup.orchestrator.v1.Decision;
import signup.orchestrator.v1.ResolveTransactionRequest;
import signup.orchestrator.v1.ResolveTransactionResponse;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;

/** Internal services refuse calls without the token; TLS and mutual TLS do what they say. */
class TransportTest {
  private static final String SECRET = "a-token-of-enough-length-0123456789";
  private static final InternalToken TOKEN = InternalToken.of(SECRET);

  @TempDir Path dir;
  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final AtomicInteger handled = new AtomicInteger();

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    servers.forEach(Server::shutdownNow);
  }

  @Test
  void anInternalCallWithoutTheTokenIsUnauthenticatedAndNeverReachesTheService()
      throws IOException {
    Transport transport = Transport.plaintext(TOKEN);
    int port = start(transport);

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> resolve(channel(port, InsecureChannelCredentials.create())));

    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    assertEquals(0, handled.get());
  }

  @Test
  void anInternalCallWithAnotherTokenIsUnauthenticated() throws IOException {
    int port = start(Transport.plaintext(TOKEN));
    Transport impostor = Transport.plaintext(InternalToken.of(SECRET.replace('9', 'X')));

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> resolve(impostor.authenticated(channel(port, InsecureChannelCredentials.create()))));

    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    assertEquals(0, handled.get());
  }

  @Test
  void anInternalCallWithTheTokenIsServed() throws IOException {
    Transport transport = Transport.plaintext(TOKEN);
    int port = start(transport);

    Decision decision = resolve(
        transport.authenticated(channel(port, InsecureChannelCredentials.create())));

    assertEquals(Decision.ABORT, decision);
    assertEquals(1, handled.get());
  }

  @Test
  void publicServicesNeedNoToken() throws IOException {
    int port = start(Transport.plaintext(TOKEN));

    assertEquals("SERVING", health(channel(port, InsecureChannelCredentials.create())));
  }

  @Test
  void aTlsServerIsReachedWithItsCaAndRefusesPlaintext() throws IOException {
    TestCertificates certificates = new TestCertificates(dir);
    TestCertificates.Pem server = certificates.issue("server");
    Transport tls = new Transport(TOKEN, new TlsFiles(server.certificate(), server.privateKey(),
        certificates.ca(), false));
    int port = start(tls);

    assertEquals("SERVING", health(channel(port,
        TlsChannelCredentials.newBuilder().trustManager(certificates.ca().toFile()).build())));
    assertEquals(Decision.ABORT, resolve(tls.authenticated(tls.channel("localhost:" + port))));
    StatusRuntimeException plaintext = assertThrows(StatusRuntimeException.class,
        () -> health(channel(port, InsecureChannelCredentials.create())));
    assertEquals(Status.Code.UNAVAILABLE, plaintext.getStatus().getCode());
  }

  @Test
  void mutualTlsRefusesAClientWithoutACertificate() throws IOException {
    TestCertificates certificates = new TestCertificates(dir);
    TestCertificates.Pem server = certificates.issue("server");
    Transport mutual = new Transport(TOKEN, new TlsFiles(server.certificate(),
        server.privateKey(), certificates.ca(), true));
    int port = start(mutual);

    StatusRuntimeException anonymous = assertThrows(StatusRuntimeException.class,
        () -> health(channel(port, TlsChannelCredentials.newBuilder()
            .trustManager(certificates.ca().toFile()).build())));

    assertEquals(Status.Code.UNAVAILABLE, anonymous.getStatus().getCode());
    TestCertificates.Pem peer = certificates.issue("peer");
    Transport peerTransport = new Transport(TOKEN, new TlsFiles(peer.certificate(),
        peer.privateKey(), certificates.ca(), true));
    assertEquals(Decision.ABORT, resolve(peerTransport.authenticated(
        peerTransport.channel("localhost:" + port))));
  }

  @Test
  void mutualTlsWithoutACaIsRefusedAtConfiguration() {
    assertThrows(IllegalArgumentException.class,
        () -> new TlsFiles(dir.resolve("c.pem"), dir.resolve("k.pem"), null, true));
  }

  private int start(Transport transport) throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    Server server = transport.serverBuilder("127.0.0.1", 0)
        .addService(health.getHealthService())
        .addService(ServerInterceptors.intercept(new CountingCoordinator(),
            transport.authorizer(null)))
        .build()
        .start();
    servers.add(server);
    return server.getPort();
  }

  private ManagedChannel channel(int port, ChannelCredentials credentials) {
    ManagedChannel channel = Grpc.newChannelBuilder("localhost:" + port, credentials).build();
    channels.add(channel);
    return channel;
  }

  private static Decision resolve(Channel channel) {
    return TransactionCoordinatorGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .resolveTransaction(ResolveTransactionRequest.newBuilder().setTxnId("t-1").build())
        .getDecision();
  }

  private static String health(Channel channel) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus().name();
  }

  private final class CountingCoordinator
      extends TransactionCoordinatorGrpc.TransactionCoordinatorImplBase {
    @Override
    public void resolveTransaction(ResolveTransactionRequest request,
        StreamObserver<ResolveTransactionResponse> responses) {
      handled.incrementAndGet();
      responses.onNext(ResolveTransactionResponse.newBuilder().setDecision(Decision.ABORT)
          .build());
      responses.onCompleted();
    }
  }

  @Test
  void theTokenIsNeverPrinted() {
    assertFalse(TOKEN.toString().contains("a-token"));
    assertTrue(TOKEN.matches(SECRET));
    assertFalse(TOKEN.matches(SECRET.substring(1)));
    assertFalse(TOKEN.matches(null));
  }
}
