package signup.client;

import java.nio.file.Path;
import java.time.Duration;
import signup.client.domain.Argon2Settings;
import signup.client.domain.LoginThrottleSettings;
import signup.client.security.TokenSettings;
import signup.common.domain.ParticipantSettings;
import signup.common.domain.Retention;
import signup.common.metrics.Metrics;
import signup.common.security.Transport;
import signup.common.store.DatabaseLocation;

/**
 * Everything the client server needs to run.
 *
 * @param bind the address to listen on (used by {@link ClientServer#create(ClientServerConfig)})
 * @param port the port to listen on; 0 picks a free one
 * @param database its SQLite file, or its database on a PostgreSQL server
 * @param coordinatorTarget where the orchestrator's TransactionCoordinator listens, asked about
 *     reservations past their TTL
 * @param coordinatorDeadline the deadline of each call to the coordinator
 * @param hashing the cost of new password hashes
 * @param drainTimeout how long a stop waits for calls in flight
 * @param transport plaintext or TLS, and the internal token guarding ClientParticipant and
 *     presented to the coordinator
 * @param retention how long finished barrier rows are kept; at least
 *     {@link ParticipantSettings#minimumRetention()}
 * @param tokens the lifetime of access tokens and of signing keys
 * @param throttle how many failed log-ins are allowed, per e-mail and per address
 * @param metricsPort where {@code /metrics} is served, on {@code bind}: 0 for a free port,
 *     {@link Metrics#OFF} for nowhere
 */
public record ClientServerConfig(String bind, int port, DatabaseLocation database,
    String coordinatorTarget, ParticipantSettings participant, Duration coordinatorDeadline,
    Argon2Settings hashing, Duration drainTimeout,
    Transport transport, Retention retention, TokenSettings tokens,
    LoginThrottleSettings throttle, int metricsPort) {

  public static final int DEFAULT_PORT = 50052;
  public static final String DEFAULT_COORDINATOR = "localhost:50051";
  public static final Duration DEFAULT_COORDINATOR_DEADLINE = Duration.ofSeconds(2);
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

  public ClientServerConfig {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0-65535, not " + port);
    }
    if (participant.reservationTtl().isNegative() || participant.reservationTtl().isZero()
        || participant.sweepInterval().isNegative() || participant.sweepInterval().isZero()) {
      throw new IllegalArgumentException("the reservation TTL and sweep interval must be > 0");
    }
    retention.requireAtLeast(participant.minimumRetention());
    if (metricsPort < Metrics.OFF || metricsPort > 65_535) {
      throw new IllegalArgumentException("metrics port must be -1 (off) or 0-65535, not "
          + metricsPort);
    }
  }

  /** Without a metrics endpoint. */
  public ClientServerConfig(String bind, int port, DatabaseLocation database,
      String coordinatorTarget, ParticipantSettings participant, Duration coordinatorDeadline,
      Argon2Settings hashing, Duration drainTimeout,
      Transport transport, Retention retention, TokenSettings tokens,
      LoginThrottleSettings throttle) {
    this(bind, port, database, coordinatorTarget, participant, coordinatorDeadline, hashing,
        drainTimeout, transport, retention, tokens, throttle, Metrics.OFF);
  }

  /**
   * Localhost defaults: port 50052, coordinator on localhost:50051, OWASP hashing cost, a
   * retention of 7 days, no metrics endpoint, plaintext, and the internal token of the
   * database's directory (created if missing).
   */
  public static ClientServerConfig defaults(Path databaseFile) {
    return new ClientServerConfig("127.0.0.1", DEFAULT_PORT,
        DatabaseLocation.sqlite(databaseFile), DEFAULT_COORDINATOR, ParticipantSettings.DEFAULTS,
        DEFAULT_COORDINATOR_DEADLINE, Argon2Settings.OWASP, DEFAULT_DRAIN_TIMEOUT,
        Transport.embeddedDefault(databaseFile.toAbsolutePath().getParent()), Retention.DEFAULT,
        TokenSettings.DEFAULTS, LoginThrottleSettings.DEFAULTS, Metrics.OFF);
  }

  public ClientServerConfig withTransport(Transport newTransport) {
    return new ClientServerConfig(bind, port, database, coordinatorTarget, participant,
        coordinatorDeadline, hashing, drainTimeout, newTransport, retention,
        tokens, throttle, metricsPort);
  }

  public ClientServerConfig withBind(String newBind) {
    return new ClientServerConfig(newBind, port, database, coordinatorTarget, participant,
        coordinatorDeadline, hashing, drainTimeout, transport, retention,
        tokens, throttle, metricsPort);
  }

  public ClientServerConfig withPort(int newPort) {
    return new ClientServerConfig(bind, newPort, database, coordinatorTarget, participant,
        coordinatorDeadline, hashing, drainTimeout, transport, retention,
        tokens, throttle, metricsPort);
  }

  public ClientServerConfig withDatabaseFile(Path file) {
    return withDatabase(DatabaseLocation.sqlite(file));
  }

  public ClientServerConfig withDatabase(DatabaseLocation newDatabase) {
    return new ClientServerConfig(bind, port, newDatabase, coordinatorTarget, participant,
        coordinatorDeadline, hashing, drainTimeout, transport, retention,
        tokens, throttle, metricsPort);
  }

  public ClientServerConfig withCoordinatorTarget(String target) {
    return new ClientServerConfig(bind, port, database, target, participant,
        coordinatorDeadline, hashing, drainTimeout, transport, retention,
        tokens, throttle, metricsPort);
  }

  public ClientServerConfig withParticipant(ParticipantSettings settings) {
    return new ClientServerConfig(bind, port, database, coordinatorTarget, settings,
        coordinatorDeadline, hashing, drainTimeout, transport, retention,
        tokens, throttle, metricsPort);
  }

  public ClientServerConfig withHashing(Argon2Settings settings) {
    return new ClientServerConfig(bind, port, database, coordinatorTarget, participant,
        coordinatorDeadline, settings, drainTimeout, transport, retention,
        tokens, throttle, metricsPort);
  }

  public ClientServerConfig withMetricsPort(int newMetricsPort) {
    return new ClientServerConfig(bind, port, database, coordinatorTarget, participant,
        coordinatorDeadline, hashing, drainTimeout, transport, retention, tokens,
        throttle, newMetricsPort);
  }

  public ClientServerConfig withRetention(Retention newRetention) {
    return new ClientServerConfig(bind, port, database, coordinatorTarget, participant,
        coordinatorDeadline, hashing, drainTimeout, transport, newRetention,
        tokens, throttle, metricsPort);
  }

  public ClientServerConfig withTokens(TokenSettings settings) {
    return new ClientServerConfig(bind, port, database, coordinatorTarget, participant,
        coordinatorDeadline, hashing, drainTimeout, transport, retention, settings,
        throttle, metricsPort);
  }

  public ClientServerConfig withThrottle(LoginThrottleSettings settings) {
    return new ClientServerConfig(bind, port, database, coordinatorTarget, participant,
        coordinatorDeadline, hashing, drainTimeout, transport, retention, tokens,
        settings, metricsPort);
  }
}
