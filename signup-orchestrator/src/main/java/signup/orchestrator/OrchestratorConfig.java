package signup.orchestrator;

import java.nio.file.Path;
import signup.common.domain.Retention;
import signup.common.security.Transport;
import signup.common.store.DatabaseLocation;
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
 */
public record OrchestratorConfig(String bind, int port, DatabaseLocation database,
    String clientTarget, String subscriptionTarget, ProtocolSettings protocol,
    Transport transport, Retention retention) {

  public OrchestratorConfig {
    retention.requireAtLeast(protocol.minimumRetention());
  }

  /** In a SQLite file. */
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
        protocol, transport, newRetention);
  }
}
