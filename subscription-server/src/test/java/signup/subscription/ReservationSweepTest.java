package signup.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static signup.common.domain.Completions.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.common.MutableClock;
import signup.common.domain.Device;
import signup.common.domain.ParticipantSettings;
import signup.common.domain.ReservationSweeper;
import signup.common.grpc.CoordinatorClient;
import signup.common.store.SqliteDatabase;
import signup.orchestrator.v1.Decision;
import signup.subscription.domain.PlanCatalogue;
import signup.subscription.domain.Subscription;
import signup.subscription.domain.Subscriptions;
import signup.subscription.store.SqlSubscriptionRepository;
import signup.subscription.store.SubscriptionSchema;

/** Reservations past their TTL are decided by the coordinator, never by the participant. */
class ReservationSweepTest {
  private static final Duration TTL = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-15T10:00:00Z"));
  private final FakeCoordinator coordinator = new FakeCoordinator();
  private SqliteDatabase db;
  private DatabaseRows rows;
  private Subscriptions subscriptions;
  private Server coordinatorServer;
  private ManagedChannel channel;
  private ReservationSweeper sweeper;

  @BeforeEach
  void start() throws IOException {
    Path file = dir.resolve("subscription.db");
    db = SqliteDatabase.open(SubscriptionSchema.SPEC, file);
    rows = new DatabaseRows(file);
    SqlSubscriptionRepository repository = new SqlSubscriptionRepository(db, clock);
    subscriptions = new Subscriptions(repository, new PlanCatalogue(repository.loadPlans()),
        clock);
    String name = InProcessServerBuilder.generateName();
    coordinatorServer = InProcessServerBuilder.forName(name).directExecutor()
        .addService(coordinator).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    sweeper = new ReservationSweeper(subscriptions.ledger(),
        new CoordinatorClient(channel, Duration.ofSeconds(2)),
        new ParticipantSettings(TTL, Duration.ofHours(1)), clock);
  }

  @AfterEach
  void stop() throws InterruptedException {
    sweeper.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    coordinatorServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    db.close();
  }

  @Test
  void reservationsPastTheirTtlAreConfirmedOrCancelledAsTheCoordinatorDecided() {
    await(subscriptions.reserve("txn-commit", "client-1", "US", Device.IOS));
    await(subscriptions.reserve("txn-abort", "client-2", "US", Device.IOS));
    coordinator.decisions.put("txn-commit", Decision.COMMIT);
    coordinator.decisions.put("txn-abort", Decision.ABORT);
    clock.advance(TTL.plusSeconds(1));

    assertEquals(2, sweeper.sweepOnce());

    assertEquals(Subscription.Status.ACTIVE, subscriptions.getSubscription("client-1").status());
    assertEquals(Optional.of("CONFIRMED"), rows.barrierState("txn-commit"));
    assertEquals(Optional.of("CANCELLED"), rows.barrierState("txn-abort"));
    assertEquals(1, rows.count("subscriptions"));
  }

  @Test
  void aReservationWithinItsTtlIsNotAskedAbout() {
    await(subscriptions.reserve("txn-young", "client-1", "US", Device.IOS));
    coordinator.decisions.put("txn-young", Decision.ABORT);
    clock.advance(TTL.minusSeconds(1));

    assertEquals(0, sweeper.sweepOnce());

    assertEquals(List.of(), coordinator.asked);
    assertEquals(Optional.of("RESERVED"), rows.barrierState("txn-young"));
  }

  @Test
  void whileTheCoordinatorIsUnavailableTheReservationIsKeptAndAskedAboutLater() {
    await(subscriptions.reserve("txn-1", "client-1", "US", Device.IOS));
    clock.advance(TTL.plusSeconds(1));

    assertEquals(0, sweeper.sweepOnce());

    assertEquals(List.of("txn-1"), coordinator.asked);
    assertEquals(Optional.of("RESERVED"), rows.barrierState("txn-1"));
    assertEquals(1, rows.count("subscriptions"));

    coordinator.decisions.put("txn-1", Decision.ABORT);
    assertEquals(1, sweeper.sweepOnce());
    assertEquals(Optional.of("CANCELLED"), rows.barrierState("txn-1"));
    assertTrue(coordinator.asked.size() == 2, coordinator.asked::toString);
    assertEquals(0, rows.count("subscriptions"));
  }
}
