package signup.subscription;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.common.domain.ParticipantSettings;
import signup.common.grpc.GrpcServerHost;
import signup.common.store.DatabaseUnusableException;
import signup.common.v1.DeviceType;
import signup.orchestrator.v1.Decision;
import signup.subscription.v1.GetSubscriptionRequest;
import signup.subscription.v1.Subscription;
import signup.subscription.v1.SubscriptionParticipantGrpc;
import signup.subscription.v1.SubscriptionServiceGrpc;
import signup.subscription.v1.ReserveSubscriptionRequest;
import signup.subscription.v1.SubscriptionStatus;

/** The server as main builds it: its database, its listener, its sweeper. */
class SubscriptionServerTest {
  @TempDir
  Path dir;

  @Test
  void confirmedSubscriptionsSurviveARestart() throws Exception {
    Path file = dir.resolve("subscription.db");
    Subscription confirmed;
    try (InProcessSubscriptionServer server = new InProcessSubscriptionServer(file)) {
      confirmed = server.signedUp("client-1", "US", DeviceType.IOS);
    }

    try (InProcessSubscriptionServer restarted = new InProcessSubscriptionServer(file)) {
      assertEquals(confirmed, restarted.service.getSubscription(
          GetSubscriptionRequest.newBuilder().setClientId("client-1").build()));
    }
  }

  @Test
  void aDatabaseFileOfGarbageIsRefused() throws Exception {
    Path file = dir.resolve("subscription.db");
    Files.writeString(file, "not a database ".repeat(200));

    DatabaseUnusableException e = assertThrows(DatabaseUnusableException.class,
        () -> SubscriptionServer.create(
            config(0, file, "localhost:1", ParticipantSettings.DEFAULTS)));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void aSecondServerOnATakenPortFailsClearly() {
    try (GrpcServerHost first = SubscriptionServer.create(
        config(0, dir.resolve("a.db"), "localhost:1", ParticipantSettings.DEFAULTS)).start()) {
      GrpcServerHost second = SubscriptionServer.create(
          config(first.port(), dir.resolve("b.db"), "localhost:1", ParticipantSettings.DEFAULTS));
      try {
        // PortInUseException once server-common recognises Netty's native bind failure.
        RuntimeException e = assertThrows(RuntimeException.class, second::start);
        assertTrue(e.getMessage().contains("127.0.0.1:" + first.port()), e.getMessage());
      } finally {
        second.close();
      }
    }
  }

  @Test
  void aServerOnTheNetworkIsServingAndItsSweeperAsksTheCoordinatorAboutExpiredReservations()
      throws Exception {
    FakeCoordinator coordinator = new FakeCoordinator();
    coordinator.decisions.put("txn-commit", Decision.COMMIT);
    coordinator.decisions.put("txn-abort", Decision.ABORT);
    Server coordinatorServer =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(coordinator).build().start();
    Path file = dir.resolve("subscription.db");
    DatabaseRows rows = new DatabaseRows(file);
    SubscriptionServerConfig config = config(0, file, "127.0.0.1:" + coordinatorServer.getPort(),
        new ParticipantSettings(Duration.ofMillis(100), Duration.ofMillis(50)));
    GrpcServerHost host = SubscriptionServer.create(config).start();
    ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + host.port(),
        InsecureChannelCredentials.create()).build();
    try {
      assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder()
              .setService(SubscriptionServiceGrpc.SERVICE_NAME).build())
          .getStatus());
      var participant = SubscriptionParticipantGrpc.newBlockingStub(
          config.transport().authenticated(channel));
      for (String[] reservation : new String[][] {{"txn-commit", "client-1"},
          {"txn-abort", "client-2"}}) {
        participant.withDeadlineAfter(5, TimeUnit.SECONDS).reserve(
            ReserveSubscriptionRequest.newBuilder().setTxnId(reservation[0])
                .setClientId(reservation[1]).setRegion("US").setDevice(DeviceType.WEB).build());
      }

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertEquals(Optional.of("CONFIRMED"), rows.barrierState("txn-commit"));
        assertEquals(Optional.of("CANCELLED"), rows.barrierState("txn-abort"));
      });
      assertEquals(SubscriptionStatus.ACTIVE, SubscriptionServiceGrpc.newBlockingStub(
              config.transport().authenticated(channel))
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .getSubscription(GetSubscriptionRequest.newBuilder().setClientId("client-1").build())
          .getStatus());
      assertEquals(1, rows.count("subscriptions"));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      host.close();
      coordinatorServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static SubscriptionServerConfig config(int port, Path file, String coordinator,
      ParticipantSettings settings) {
    return new SubscriptionServerConfig("127.0.0.1", port, file, coordinator, settings,
        Duration.ofSeconds(2));
  }
}
