package signup.orchestrator;

import java.nio.file.Path;
import signup.common.domain.Retention;
import signup.common.security.Transport;
import signup.orchestrator.domain.AdmissionSettings;
import signup.orchestrator.domain.ProtocolSettings;

/**
 * Everything the orchestrator needs to run.
 *
 * @param clientTarget gRPC target of client-server ("localhost:50052")
 * @param subscriptionTarget gRPC target of subscription-server ("localhost:50053")
 * @param transport plaintext or TLS, and the internal token guarding TransactionCoordinator and
 *     presented to the participants
 * @param retention how long DONE and ABORTED log rows are kept; at least
 *     {@link ProtocolSettings#minimumRetention()}
 * @param admission what it refuses at once: sign-ups past a bound in flight, calls too short
 */
public record OrchestratorConfig(String bind, int port, Path databaseFile, String clientTarget,
    String subscriptionTarget, ProtocolSettings protocol, Transport transport,
    Retention retention, AdmissionSettings admission) {

  public OrchestratorConfig {
    retention.requireAtLeast(protocol.minimumRetention());
  }

  /** With the default admission (256 sign-ups in flight, calls with 25 ms left at least). */
  public OrchestratorConfig(String bind, int port, Path databaseFile, String clientTarget,
      String subscriptionTarget, ProtocolSettings protocol, Transport transport,
      Retention retention) {
    this(bind, port, databaseFile, clientTarget, subscriptionTarget, protocol, transport,
        retention, AdmissionSettings.DEFAULTS);
  }

  /** With the default retention (7 days). */
  public OrchestratorConfig(String bind, int port, Path databaseFile, String clientTarget,
      String subscriptionTarget, ProtocolSettings protocol, Transport transport) {
    this(bind, port, databaseFile, clientTarget, subscriptionTarget, protocol, transport,
        Retention.DEFAULT);
  }

  /** Plaintext, with the internal token of the database's directory (created if missing). */
  public OrchestratorConfig(String bind, int port, Path databaseFile, String clientTarget,
      String subscriptionTarget, ProtocolSettings protocol) {
    this(bind, port, databaseFile, clientTarget, subscriptionTarget, protocol,
        Transport.embeddedDefault(databaseFile.toAbsolutePath().getParent()));
  }

  public OrchestratorConfig withRetention(Retention newRetention) {
    return new OrchestratorConfig(bind, port, databaseFile, clientTarget, subscriptionTarget,
        protocol, transport, newRetention, admission);
  }

  public OrchestratorConfig withAdmission(AdmissionSettings newAdmission) {
    return new OrchestratorConfig(bind, port, databaseFile, clientTarget, subscriptionTarget,
        protocol, transport, retention, newAdmission);
  }
}
