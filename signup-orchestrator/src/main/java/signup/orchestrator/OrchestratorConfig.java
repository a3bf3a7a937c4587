package signup.orchestrator;

import java.nio.file.Path;
import signup.orchestrator.domain.ProtocolSettings;

/**
 * Everything the orchestrator needs to run.
 *
 * @param clientTarget gRPC target of client-server ("localhost:50052")
 * @param subscriptionTarget gRPC target of subscription-server ("localhost:50053")
 */
public record OrchestratorConfig(String bind, int port, Path databaseFile, String clientTarget,
    String subscriptionTarget, ProtocolSettings protocol) {}
