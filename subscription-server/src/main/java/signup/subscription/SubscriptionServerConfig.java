package signup.subscription;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import signup.common.domain.ParticipantSettings;
import signup.common.domain.Retention;
import signup.common.metrics.Metrics;
import signup.common.security.Transport;
import signup.common.store.DatabaseLocation;

/**
 * Everything the subscription server needs to run.
 *
 * @param bind address to listen on (used when the server builds its own Netty listener)
 * @param port port to listen on, 0 for a free one
 * @param database its SQLite file (created if missing), or its database on a PostgreSQL server
 * @param coordinatorTarget the orchestrator's TransactionCoordinator, as a gRPC target
 * @param participant reservation TTL and sweep interval
 * @param coordinatorDeadline deadline of each question to the coordinator
 * @param transport plaintext or TLS, and the internal token guarding SubscriptionParticipant
 *     and presented to the coordinator
 * @param retention how long finished barrier rows are kept; at least
 *     {@link ParticipantSettings#minimumRetention()}
 * @param clientTarget client-server, as a gRPC target: its public keys verify access tokens
 * @param metricsPort where {@code /metrics} is served, on {@code bind}: 0 for a free port,
 *     {@link Metrics#OFF} for nowhere
 */
public record SubscriptionServerConfig(String bind, int port, DatabaseLocation database,
    String coordinatorTarget, ParticipantSettings participant, Duration coordinatorDeadline,
    Transport transport, Retention retention, String clientTarget, int metricsPort) {

  public static final int DEFAULT_PORT = 50053;
  public static final String DEFAULT_COORDINATOR = "localhost:50051";
  public static final Duration DEFAULT_COORDINATOR_DEADLINE = Duration.ofSeconds(2);
  public static final String DEFAULT_CLIENT_TARGET = "localhost:50052";

  public SubscriptionServerConfig {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(coordinatorTarget, "coordinatorTarget");
    Objects.requireNonNull(participant, "participant");
    Objects.requireNonNull(coordinatorDeadline, "coordinatorDeadline");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(clientTarget, "clientTarget");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, not " + port);
    }
    retention.requireAtLeast(participant.minimumRetention());
    if (metricsPort < Metrics.OFF || metricsPort > 65_535) {
      throw new IllegalArgumentException("metrics port must be -1 (off) or 0-65535, not "
          + metricsPort);
    }
  }

  /** Without a metrics endpoint. */
  public SubscriptionServerConfig(String bind, int port, DatabaseLocation database,
      String coordinatorTarget, ParticipantSettings participant, Duration coordinatorDeadline,
      Transport transport, Retention retention, String clientTarget) {
    this(bind, port, database, coordinatorTarget, participant, coordinatorDeadline,
        transport, retention, clientTarget, Metrics.OFF);
  }

  /** Without a metrics endpoint, and client-server at its default address. */
  public SubscriptionServerConfig(String bind, int port, DatabaseLocation database,
      String coordinatorTarget, ParticipantSettings participant, Duration coordinatorDeadline,
      Transport transport, Retention retention) {
    this(bind, port, database, coordinatorTarget, participant, coordinatorDeadline,
        transport, retention, DEFAULT_CLIENT_TARGET);
  }

  /** In a SQLite file. */
  public SubscriptionServerConfig(String bind, int port, Path databaseFile,
      String coordinatorTarget, ParticipantSettings participant, Duration coordinatorDeadline,
      Transport transport, Retention retention, String clientTarget, int metricsPort) {
    this(bind, port, DatabaseLocation.sqlite(databaseFile), coordinatorTarget, participant,
        coordinatorDeadline, transport, retention, clientTarget, metricsPort);
  }

  /** In a SQLite file, without a metrics endpoint. */
  public SubscriptionServerConfig(String bind, int port, Path databaseFile,
      String coordinatorTarget, ParticipantSettings participant, Duration coordinatorDeadline,
      Transport transport, Retention retention, String clientTarget) {
    this(bind, port, DatabaseLocation.sqlite(databaseFile), coordinatorTarget, participant,
        coordinatorDeadline, transport, retention, clientTarget);
  }

  /** In a SQLite file, with client-server at its default address. */
  public SubscriptionServerConfig(String bind, int port, Path databaseFile,
      String coordinatorTarget, ParticipantSettings participant, Duration coordinatorDeadline,
      Transport transport, Retention retention) {
    this(bind, port, databaseFile, coordinatorTarget, participant, coordinatorDeadline,
        transport, retention, DEFAULT_CLIENT_TARGET);
  }

  /** In a SQLite file, with the default retention and client-server at its default address. */
  public SubscriptionServerConfig(String bind, int port, Path databaseFile,
      String coordinatorTarget, ParticipantSettings participant, Duration coordinatorDeadline,
      Transport transport) {
    this(bind, port, databaseFile, coordinatorTarget, participant, coordinatorDeadline,
        transport, Retention.DEFAULT);
  }

  /**
   * In a SQLite file, plaintext, with the internal token of the file's directory (created if
   * missing).
   */
  public SubscriptionServerConfig(String bind, int port, Path databaseFile,
      String coordinatorTarget, ParticipantSettings participant, Duration coordinatorDeadline) {
    this(bind, port, databaseFile, coordinatorTarget, participant, coordinatorDeadline,
        Transport.embeddedDefault(databaseFile.toAbsolutePath().getParent()));
  }

  public SubscriptionServerConfig withMetricsPort(int newMetricsPort) {
    return new SubscriptionServerConfig(bind, port, database, coordinatorTarget,
        participant, coordinatorDeadline, transport, retention, clientTarget, newMetricsPort);
  }

  public SubscriptionServerConfig withClientTarget(String target) {
    return new SubscriptionServerConfig(bind, port, database, coordinatorTarget,
        participant, coordinatorDeadline, transport, retention, target, metricsPort);
  }

  /** Localhost defaults, with the database at {@code databaseFile}. */
  public static SubscriptionServerConfig defaults(Path databaseFile) {
    return new SubscriptionServerConfig("127.0.0.1", DEFAULT_PORT, databaseFile,
        DEFAULT_COORDINATOR, ParticipantSettings.DEFAULTS, DEFAULT_COORDINATOR_DEADLINE);
  }
}
