package signup.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import signup.client.ClientServer;
import signup.client.ClientServerConfig;
import signup.common.cli.ServerLauncher;
import signup.common.cli.ServerOptions;
import signup.common.domain.ParticipantSettings;
import signup.common.domain.Retention;
import signup.common.grpc.FreePorts;
import signup.common.grpc.GrpcServerHost;
import signup.common.grpc.GrpcServerHost.PortInUseException;
import signup.common.security.InternalToken;
import signup.common.security.InternalToken.UnusableTokenException;
import signup.common.security.Transport;
import signup.common.store.DatabaseUnusableException;
import signup.orchestrator.AdmissionOptions;
import signup.orchestrator.OrchestratorConfig;
import signup.orchestrator.OrchestratorServer;
import signup.orchestrator.domain.AdmissionSettings;
import signup.orchestrator.domain.ProtocolSettings;
import signup.subscription.SubscriptionServer;
import signup.subscription.SubscriptionServerConfig;

@Command(name = "up", mixinStandardHelpOptions = true,
    description = {"Run the whole system in this process: client-server, subscription-server "
        + "and the orchestrator, with their SQLite files under --data-dir.",
        "Ctrl-C stops all three cleanly."})
final class UpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ServerOptions server;
  @Mixin AdmissionOptions admission;

  @Option(names = "--orchestrator-port", defaultValue = "${env:ORCHESTRATOR_PORT:-50051}",
      description = "Default: ${DEFAULT-VALUE}; 0 picks a free port.")
  int orchestratorPort;

  @Option(names = "--client-port", defaultValue = "${env:CLIENT_PORT:-50052}",
      description = "Default: ${DEFAULT-VALUE}; 0 picks a free port.")
  int clientPort;

  @Option(names = "--subscription-port", defaultValue = "${env:SUBSCRIPTION_PORT:-50053}",
      description = "Default: ${DEFAULT-VALUE}; 0 picks a free port.")
  int subscriptionPort;

  @Option(names = "--orchestrator-metrics-port",
      defaultValue = "${env:ORCHESTRATOR_METRICS_PORT:-9451}",
      description = "The orchestrator's /metrics. Default: ${DEFAULT-VALUE}; 0 picks a free "
          + "port, -1 serves none.")
  int orchestratorMetricsPort;

  @Option(names = "--client-metrics-port", defaultValue = "${env:CLIENT_METRICS_PORT:-9452}",
      description = "client-server's /metrics. Default: ${DEFAULT-VALUE}; 0 picks a free port, "
          + "-1 serves none.")
  int clientMetricsPort;

  @Option(names = "--subscription-metrics-port",
      defaultValue = "${env:SUBSCRIPTION_METRICS_PORT:-9453}",
      description = "subscription-server's /metrics. Default: ${DEFAULT-VALUE}; 0 picks a free "
          + "port, -1 serves none.")
  int subscriptionMetricsPort;

  @Override
  public Integer call() {
    ServerOptions.requireMetricsPort(spec, orchestratorMetricsPort);
    ServerOptions.requireMetricsPort(spec, clientMetricsPort);
    ServerOptions.requireMetricsPort(spec, subscriptionMetricsPort);
    AdmissionSettings admissionSettings = admission.settings(spec);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String badFormat = ServerLauncher.badLogFormat(System.getenv());
    if (badFormat != null) {
      err.println("error: " + badFormat);
      err.flush();
      return ServerLauncher.EXIT_USAGE;
    }
    // Each server needs the others' addresses before it starts, so free ports are chosen first.
    int orchestrator = orFreePort(orchestratorPort);
    int client = orFreePort(clientPort);
    int subscription = orFreePort(subscriptionPort);
    String bind = server.bind();
    String coordinator = target(orchestrator);
    Path dataDir = server.dataDir();

    Retention retention = retention();
    Transport transport;
    List<GrpcServerHost> started = new ArrayList<>();
    try {
      // One transport for all three: the same token (generated under the data directory on
      // first use) and the same TLS settings.
      transport = server.transport(spec);
      ClientServerConfig clientConfig = ClientServerConfig.defaults(dataDir.resolve("client.db"))
          .withBind(bind).withPort(client).withCoordinatorTarget(coordinator)
          .withTransport(transport).withRetention(retention).withMetricsPort(clientMetricsPort);
      started.add(ClientServer.create(clientConfig).start());
      SubscriptionServerConfig subscriptionConfig = new SubscriptionServerConfig(bind,
          subscription, dataDir.resolve("subscription.db"), coordinator,
          ParticipantSettings.DEFAULTS, SubscriptionServerConfig.DEFAULT_COORDINATOR_DEADLINE,
          transport, retention, target(client), subscriptionMetricsPort);
      started.add(SubscriptionServer.create(subscriptionConfig).start());
      OrchestratorConfig orchestratorConfig = new OrchestratorConfig(bind, orchestrator,
          dataDir.resolve("orchestrator.db"), target(client), target(subscription),
          ProtocolSettings.DEFAULTS, admission.transport(transport), retention,
          orchestratorMetricsPort, admissionSettings);
      started.add(OrchestratorServer.create(orchestratorConfig).start());
    } catch (PortInUseException | DatabaseUnusableException | UnusableTokenException e) {
      stopAll(started);
      err.println("error: " + e.getMessage());
      err.flush();
      return ExitCodes.CANNOT_START;
    }

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopAll(started);
      stopped.countDown();
    }, "signup-up-shutdown"));

    out.printf("signup-system is up (data in %s)%n", dataDir.toAbsolutePath().normalize());
    out.printf("  orchestrator         %s:%d  (SignupService, TransactionCoordinator)%s%n", bind,
        orchestrator, metricsOf(started.get(2)));
    out.printf("  client-server        %s:%d  (ClientService, ClientParticipant)%s%n", bind, client,
        metricsOf(started.get(0)));
    out.printf("  subscription-server  %s:%d  (SubscriptionService, SubscriptionParticipant)%s%n",
        bind, subscription, metricsOf(started.get(1)));
    out.printf("  %s; internal services need the token in %s (or $%s)%n",
        transport.tls() == null ? "plaintext on " + bind : "TLS",
        dataDir.resolve(InternalToken.FILE_NAME), InternalToken.ENV);
    out.println();
    out.println("Try, in another terminal:");
    out.printf("  echo 'correct-horse-9' | java -jar signup-cli/target/signup.jar signup "
        + "--target %s --email ada@example.com --name Ada --region US --device IOS "
        + "--password-stdin%n", target(orchestrator));
    out.println("Press Ctrl-C to stop.");
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopAll(started);
    }
    return ExitCodes.OK;
  }

  /** "  metrics on port N", or nothing when the server serves none. */
  private static String metricsOf(GrpcServerHost host) {
    return host.metrics().port().stream().mapToObj(p -> "  metrics on port " + p)
        .findFirst().orElse("");
  }

  /** One retention for all three, so at least what the most demanding of them needs. */
  private Retention retention() {
    Duration participants = ParticipantSettings.DEFAULTS.minimumRetention();
    Duration orchestrator = ProtocolSettings.DEFAULTS.minimumRetention();
    return participants.compareTo(orchestrator) >= 0
        ? server.retention(spec, participants, "the participants' reservation TTL + sweep interval")
        : server.retention(spec, orchestrator,
            "the orchestrator's reserve deadline + try timeout + recovery interval");
  }

  /** The orchestrator first, so no new sign-up starts while a participant is going away. */
  private static void stopAll(List<GrpcServerHost> started) {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  private static String target(int port) {
    return "localhost:" + port;
  }

  private static int orFreePort(int port) {
    if (port != 0) {
      return port;
    }
    return FreePorts.pick();
  }
}
