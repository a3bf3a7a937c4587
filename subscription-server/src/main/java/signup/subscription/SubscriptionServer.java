package signup.subscription;

import io.grpc.ManagedChannel;
import io.grpc.ServerBuilder;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import signup.common.domain.ReservationSweeper;
import signup.common.domain.RetentionPurger;
import signup.common.fault.CrashPoints;
import signup.common.grpc.CoordinatorClient;
import signup.common.grpc.GrpcServerHost;
import signup.common.store.Database;
import signup.common.store.TccBarrier;
import signup.subscription.domain.PlanCatalogue;
import signup.subscription.domain.Subscriptions;
import signup.subscription.grpc.SubscriptionStatusMapper;
import signup.subscription.grpc.SubscriptionParticipantImpl;
import signup.subscription.grpc.SubscriptionServiceImpl;
import signup.subscription.store.SqlSubscriptionRepository;
import signup.subscription.store.SubscriptionSchema;

/** Builds the subscription server: the one place where its pieces are put together. */
public final class SubscriptionServer {
  public static final String NAME = "subscription-server";
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private SubscriptionServer() {}

  /**
   * The server on {@code config.bind():config.port()} (TLS if configured) with the system clock,
   * not started.
   */
  public static GrpcServerHost create(SubscriptionServerConfig config) {
    return create(config, CrashPoints.none());
  }

  /** As {@link #create(SubscriptionServerConfig)}, halting at {@code crashPoints} (crash tests). */
  public static GrpcServerHost create(SubscriptionServerConfig config, CrashPoints crashPoints) {
    return create(config, config.transport().serverBuilder(config.bind(), config.port()),
        InstantSource.system(), crashPoints);
  }

  /**
   * Opens (and migrates) the database, builds the services on {@code builder} and starts the
   * reservation sweeper and the retention purger. The returned host is not started; closing it
   * drains the calls, then stops the purger, the sweeper, the coordinator channel and the
   * database, in that order.
   *
   * @throws signup.common.store.DatabaseUnusableException when the database is not usable
   */
  public static GrpcServerHost create(SubscriptionServerConfig config, ServerBuilder<?> builder,
      InstantSource clock) {
    return create(config, builder, clock, CrashPoints.none());
  }

  private static GrpcServerHost create(SubscriptionServerConfig config, ServerBuilder<?> builder,
      InstantSource clock, CrashPoints crashPoints) {
    Database db = config.database().open(SubscriptionSchema.SPEC);
    ManagedChannel coordinator = null;
    ReservationSweeper sweeper = null;
    RetentionPurger purger =
        new RetentionPurger(TccBarrier.finishedRecords(db), config.retention(), clock);
    try {
      SqlSubscriptionRepository repository = new SqlSubscriptionRepository(db, clock);
      // Plans are immutable (changed only by a migration), so they are read once.
      PlanCatalogue catalogue = new PlanCatalogue(repository.loadPlans());
      Subscriptions subscriptions = new Subscriptions(repository, catalogue, clock,
          crashPoints);
      coordinator = config.transport().channel(config.coordinatorTarget());
      sweeper = new ReservationSweeper(subscriptions.ledger(),
          new CoordinatorClient(config.transport().authenticated(coordinator),
              config.coordinatorDeadline()),
          config.participant(), clock);
      GrpcServerHost host = new GrpcServerHost(NAME, builder,
          List.of(new SubscriptionServiceImpl(subscriptions),
              config.transport().internal(new SubscriptionParticipantImpl(subscriptions))),
          new SubscriptionStatusMapper(), List.of(),
          List.of(purger, sweeper, new OwnedChannel(coordinator), db), DRAIN_TIMEOUT,
          config.transport().connections());
      // A full disk, a file that cannot be written or a database server that cannot be reached
      // turns health NOT_SERVING while it lasts.
      db.onWritableChange(host::storeWritable);
      sweeper.start(NAME);
      purger.start(NAME);
      return host;
    } catch (RuntimeException e) {
      purger.close();
      if (sweeper != null) {
        sweeper.close();
      }
      if (coordinator != null) {
        coordinator.shutdownNow();
      }
      db.close();
      throw e;
    }
  }

  /** The channel to the coordinator, closed with the server after the sweeper has stopped. */
  private record OwnedChannel(ManagedChannel channel) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      channel.shutdown();
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    }

    @Override
    public String toString() {
      return "the coordinator channel";
    }
  }
}
