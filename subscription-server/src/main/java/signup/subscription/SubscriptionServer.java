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
import signup.common.grpc.PublicKeysClient;
import signup.common.security.AccessTokenVerifier;
import signup.common.metrics.DatabaseMetrics;
import signup.common.metrics.Metrics;
import signup.common.metrics.SweeperMetrics;
import signup.common.store.Database;
import signup.common.store.TccBarrier;
import signup.common.tracing.Tracing;
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
        InstantSource.system(), crashPoints, Tracing.fromEnvironment(NAME));
  }

  /** As {@link #create(SubscriptionServerConfig)}, tracing into {@code tracing} (owned). */
  public static GrpcServerHost create(SubscriptionServerConfig config, Tracing tracing) {
    return create(config, config.transport().serverBuilder(config.bind(), config.port()),
        InstantSource.system(), CrashPoints.none(), tracing);
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
    return create(config, builder, clock, CrashPoints.none(), Tracing.off());
  }

  private static GrpcServerHost create(SubscriptionServerConfig config, ServerBuilder<?> builder,
      InstantSource clock, CrashPoints crashPoints, Tracing tracing) {
    Database db;
    try {
      db = config.database().open(SubscriptionSchema.SPEC);
    } catch (RuntimeException e) {
      tracing.close();
      throw e;
    }
    Metrics metrics = Metrics.serving(config.bind(), config.metricsPort());
    DatabaseMetrics.bind(db, metrics.registry());
    db.observeWrites(tracing.databaseWrites("subscription"));
    ManagedChannel coordinator = null;
    ManagedChannel clientServer = null;
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
          new CoordinatorClient(config.transport().authenticated(tracing.intercept(
              metrics.intercept(coordinator, config.coordinatorTarget()))),
              config.coordinatorDeadline()),
          config.participant(), clock, new SweeperMetrics(metrics.registry()));
      // Access tokens are checked against client-server's public keys, fetched when needed.
      clientServer = config.transport().channel(config.clientTarget());
      AccessTokenVerifier verifier = PublicKeysClient.verifier(clientServer,
          config.coordinatorDeadline(), clock);
      SubscriptionStatusMapper mapper = new SubscriptionStatusMapper();
      GrpcServerHost host = new GrpcServerHost(NAME, builder,
          List.of(new SubscriptionServiceImpl(subscriptions),
              new SubscriptionParticipantImpl(subscriptions, mapper)),
          mapper, List.of(config.transport().authorizer(verifier)),
          List.of(purger, sweeper, new OwnedChannel(coordinator, "the coordinator channel"),
              new OwnedChannel(clientServer, "the client-server channel"), db),
          DRAIN_TIMEOUT, config.transport().connections(), metrics, tracing);
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
      if (clientServer != null) {
        clientServer.shutdownNow();
      }
      db.close();
      metrics.close();
      tracing.close();
      throw e;
    }
  }

  /** A channel of the server's own, closed with it after the sweeper has stopped. */
  private record OwnedChannel(ManagedChannel channel, String name) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      channel.shutdown();
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
