package signup.orchestrator;

import java.nio.file.Path;
import signup.common.domain.Retention;
import signup.common.metrics.Metrics;
import signup.common.security.Transport;
import signup.common.store.DatabaseLocation;
import signup.orchestrator.domain.AdmissionSettings;
import signup.orchestrator.domain.ProtocolSettings;

/**
 * Everything the orchestrator needs to run.
 *
 * @param database the log's SQLite file, or its database on a PostgreSQL server
 * @param clientTarget gRPC target of client-server ("localhost:50052")
 * @param subscriptionTarget gRPC target of subscription-server ("localhost:50053")
 * @param transport plaintext or TLS, and the internal token guarding TransactionCoordinator and
 *     presented to the participants
 * @param retention how long DONE and ABORTED log rows are kept; at least
 *     {@link ProtocolSettings#minimumRetention()}
 * @param metricsPort where {@code /metrics} is served, on {@code bind}: 0 for a free port,
 *     {@link Metrics#OFF} for nowhere
 * @param admission what it refuses at once: sign-ups past a bound in flight, calls too short
 */
public record OrchestratorConfig(String bind, int port, DatabaseLocation database,
    String clientTarget, String subscriptionTarget, ProtocolSettings protocol,
    Transport transport, Retention retention, int metricsPort, AdmissionSettings admission) {

  public OrchestratorConfig {
    retention.requireAtLeast(protocol.minimumRetention());
    if (metricsPort < Metrics.OFF || metricsPort > 65_535) {
      throw new IllegalArgumentException("metrics port must be -1 (off) or 0-65535, not "
          + metricsPort);
    }
  }

  /**
   * Without a metrics endpoint, with the default admission (256 sign-ups in flight, calls with
   * 25 ms left at least).
   */
  public OrchestratorConfig(String bind, int port, DatabaseLocation database,
      String clientTarget, String subscriptionTarget, ProtocolSettings protocol,
      Transport transport, Retention retention) {
    this(bind, port, database, clientTarget, subscriptionTarget, protocol, transport,
        retention, Metrics.OFF, AdmissionSettings.DEFAULTS);
  }

  /** In a SQLite file. */
  public OrchestratorConfig(String bind, int port, Path databaseFile, String clientTarget,
      String subscriptionTarget, ProtocolSettings protocol, Transport transport,
      Retention retention, int metricsPort, AdmissionSettings admission) {
    this(bind, port, DatabaseLocation.sqlite(databaseFile), clientTarget, subscriptionTarget,
        protocol, transport, retention, metricsPort, admission);
  }

  /** In a SQLite file, without a metrics endpoint, with the default admission. */
  public OrchestratorConfig(String bind, int port, Path databaseFile, String clientTarget,
      String subscriptionTarget, ProtocolSettings protocol, Transport transport,
      Retention retention) {
    this(bind, port, DatabaseLocation.sqlite(databaseFile), clientTarget, subscriptionTarget,
        protocol, transport, retention);
  }

  /** In a SQLite file, with the default retention (7 days). */
  public OrchestratorConfig(String bind, int port, Path databaseFile, String clientTarget,
      String subscriptionTarget, ProtocolSettings protocol, Transport transport) {
    this(bind, port, databaseFile, clientTarget, subscriptionTarget, protocol, transport,
        Retention.DEFAULT);
  }

  /**
   * In a SQLite file, plaintext, with the internal token of the file's directory (created if
   * missing).
   */
  public OrchestratorConfig(String bind, int port, Path databaseFile, String clientTarget,
      String subscriptionTarget, ProtocolSettings protocol) {
    this(bind, port, databaseFile, clientTarget, subscriptionTarget, protocol,
        Transport.embeddedDefault(databaseFile.toAbsolutePath().getParent()));
  }

  public OrchestratorConfig withRetention(Retention newRetention) {
    return new OrchestratorConfig(bind, port, database, clientTarget, subscriptionTarget,
        protocol, transport, newRetention, metricsPort, admission);
  }

  public OrchestratorConfig withMetricsPort(int newMetricsPort) {
    return new OrchestratorConfig(bind, port, database, clientTarget, subscriptionTarget,
        protocol, transport, retention, newMetricsPort, admission);
  }

  public OrchestratorConfig withAdmission(AdmissionSettings newAdmission) {
    return new OrchestratorConfig(bind, port, database, clientTarget, subscriptionTarget,
        protocol, transport, retention, metricsPort, newAdmission);
  }
}
