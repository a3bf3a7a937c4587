package signup.client;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ServerBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.client.domain.Argon2id;
import signup.client.domain.ClientRegistration;
import signup.client.domain.LogIn;
import signup.client.domain.PasswordHasher;
import signup.client.grpc.ClientParticipantImpl;
import signup.client.grpc.ClientServiceImpl;
import signup.client.grpc.ClientStatusMapper;
import signup.client.metrics.HasherMetrics;
import signup.client.security.SignedAccessTokens;
import signup.client.security.SigningKeys;
import signup.client.store.ClientSchema;
import signup.client.store.SqlClientStore;
import signup.client.store.SqlLoginFailureStore;
import signup.client.store.SqlSigningKeyStore;
import signup.common.domain.ReservationSweeper;
import signup.common.domain.RetentionPurger;
import signup.common.fault.CrashPoints;
import signup.common.grpc.CoordinatorClient;
import signup.common.grpc.GrpcServerHost;
import signup.common.metrics.DatabaseMetrics;
import signup.common.metrics.Metrics;
import signup.common.metrics.SweeperMetrics;
import signup.common.security.AccessTokenIssuer;
import signup.common.security.AccessTokenVerifier;
import signup.common.security.CachedPublicKeys;
import signup.common.store.Database;
import signup.common.store.TccBarrier;
import signup.common.tracing.Tracing;

/**
 * Builds the client server: its database, domain, services, error mapper and reservation
 * sweeper, on a {@link ServerBuilder} the caller chooses (Netty in main and in {@code signup up},
 * in-process in tests). The returned host is not started; it owns and, once drained, closes the
 * retention purger, the sweeper, the coordinator channel, the hashing pool and the database, in
 * that order. A caller
 * whose {@code start()} fails must still {@code close()} it.
 */
public final class ClientServer {
  private static final Logger log = LoggerFactory.getLogger(ClientServer.class);
  public static final String NAME = "client-server";
  /** New keys are looked for at most this often when a token names an unknown one. */
  public static final Duration KEYS_MIN_INTERVAL = Duration.ofSeconds(1);
  /** The published keys are read again when older than this, so retired ones drop out. */
  public static final Duration KEYS_MAX_AGE = Duration.ofMinutes(5);

  private ClientServer() {}

  /**
   * On {@code config.bind():config.port()} (TLS if configured), with the system clock and traces
   * as the OTEL_* variables say.
   */
  public static GrpcServerHost create(ClientServerConfig config) {
    return create(config, CrashPoints.none());
  }

  /** As {@link #create(ClientServerConfig)}, halting at {@code crashPoints} (crash tests). */
  public static GrpcServerHost create(ClientServerConfig config, CrashPoints crashPoints) {
    return createWithOwnChannel(config,
        config.transport().serverBuilder(config.bind(), config.port()), Clock.systemUTC(),
        crashPoints, Tracing.fromEnvironment(NAME));
  }

  /** As {@link #create(ClientServerConfig)}, tracing into {@code tracing} (owned from now). */
  public static GrpcServerHost create(ClientServerConfig config, Tracing tracing) {
    return createWithOwnChannel(config,
        config.transport().serverBuilder(config.bind(), config.port()), Clock.systemUTC(),
        CrashPoints.none(), tracing);
  }

  /** With a channel of its own to {@code config.coordinatorTarget()}. */
  public static GrpcServerHost create(ClientServerConfig config, ServerBuilder<?> builder,
      InstantSource clock) {
    return createWithOwnChannel(config, builder, clock, CrashPoints.none(), Tracing.off());
  }

  private static GrpcServerHost createWithOwnChannel(ClientServerConfig config,
      ServerBuilder<?> builder, InstantSource clock, CrashPoints crashPoints, Tracing tracing) {
    Database db;
    try {
      db = config.database().open(ClientSchema.SPEC);
    } catch (RuntimeException e) {
      tracing.close();
      throw e;
    }
    ManagedChannel channel;
    try {
      channel = config.transport().channel(config.coordinatorTarget());
    } catch (RuntimeException e) {
      db.close();
      tracing.close();
      throw e;
    }
    return assemble(config, builder, clock, db, channel, new OwnedChannel(channel),
        crashPoints, tracing);
  }

  /** With a coordinator channel that the caller owns and closes. */
  public static GrpcServerHost create(ClientServerConfig config, ServerBuilder<?> builder,
      InstantSource clock, Channel coordinator) {
    Database db = config.database().open(ClientSchema.SPEC);
    return assemble(config, builder, clock, db, coordinator, null, CrashPoints.none(),
        Tracing.off());
  }

  private static GrpcServerHost assemble(ClientServerConfig config, ServerBuilder<?> builder,
      InstantSource clock, Database db, Channel coordinator, OwnedChannel ownedChannel,
      CrashPoints crashPoints, Tracing tracing) {
    Metrics metrics = Metrics.serving(config.bind(), config.metricsPort());
    DatabaseMetrics.bind(db, metrics.registry());
    db.observeWrites(tracing.databaseWrites("client"));
    PasswordHasher.Listener hashSpans = new PasswordHasher.Listener() {
      @Override
      public void hashed(long nanos) {
        tracing.pastSpan("password hash", nanos);
      }
    };
    PasswordHasher hasher = new PasswordHasher(config.hashing(), Argon2id.preferred(),
        Runtime.getRuntime().availableProcessors(),
        PasswordHasher.Listener.both(new HasherMetrics(metrics.registry()), hashSpans),
        tracing::carryContext);
    HasherMetrics.bindQueue(hasher, metrics.registry());
    log.info("password hashes: Argon2id m={} KiB, t={}, p={}, computed by {}, {} at once",
        config.hashing().memoryKiB(), config.hashing().iterations(),
        config.hashing().parallelism(), hasher.implementation(), hasher.threads());
    SqlClientStore clients = new SqlClientStore(db, clock);
    ClientRegistration registration = new ClientRegistration(clients, hasher, crashPoints);
    ReservationSweeper sweeper = new ReservationSweeper(registration.ledger(),
        new CoordinatorClient(config.transport().authenticated(tracing.intercept(
            metrics.intercept(coordinator, config.coordinatorTarget()))),
            config.coordinatorDeadline()), config.participant(),
        clock, new SweeperMetrics(metrics.registry()));
    RetentionPurger purger =
        new RetentionPurger(TccBarrier.finishedRecords(db), config.retention(), clock);
    List<AutoCloseable> owned = new ArrayList<>();
    owned.add(purger);
    owned.add(sweeper);
    if (ownedChannel != null) {
      owned.add(ownedChannel);
    }
    owned.add(hasher);
    owned.add(db);
    GrpcServerHost host;
    try {
      SigningKeys keys = new SigningKeys(new SqlSigningKeyStore(db), clock,
          config.tokens().keyMaxAge(), config.tokens().ttl());
      // Made (or read) now, at start: a first log-in does not wait for a key, and a store
      // that cannot hold one fails the start, not a caller.
      keys.current();
      LogIn logIn = new LogIn(clients, new SqlLoginFailureStore(db), hasher,
          new SignedAccessTokens(keys, new AccessTokenIssuer(clock, config.tokens().ttl())),
          config.throttle(), clock);
      // This server verifies tokens against its own store: no call to itself.
      AccessTokenVerifier verifier = new AccessTokenVerifier(
          new CachedPublicKeys(keys::published, KEYS_MIN_INTERVAL, KEYS_MAX_AGE), clock);
      ClientStatusMapper mapper = new ClientStatusMapper();
      host = new GrpcServerHost(NAME, builder,
          List.of(new ClientServiceImpl(registration, logIn, keys),
              new ClientParticipantImpl(registration, mapper)),
          mapper, List.of(config.transport().authorizer(verifier)), owned,
          config.drainTimeout(), config.transport().connections(), metrics, tracing);
    } catch (RuntimeException e) {
      closeAll(owned);
      metrics.close();
      tracing.close();
      throw e;
    }
    // A full disk, a file that cannot be written or a database server that cannot be reached
    // turns health NOT_SERVING while it lasts.
    db.onWritableChange(host::storeWritable);
    sweeper.start(NAME);
    purger.start(NAME);
    return host;
  }

  private static void closeAll(List<AutoCloseable> owned) {
    for (AutoCloseable resource : owned) {
      try {
        resource.close();
      } catch (Exception ignored) {
        // the construction failure is the one to report
      }
    }
  }

  /** The coordinator channel this server built, shut down with it. */
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
      return "coordinator channel";
    }
  }
}
