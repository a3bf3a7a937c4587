package signup.orchestrator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import signup.common.cli.DatabaseOptions;
import signup.common.cli.DurationConverter;
import signup.common.cli.ServerLauncher;
import signup.common.cli.ServerOptions;
import signup.common.domain.Retention;
import signup.common.fault.CrashPoints;
import signup.orchestrator.domain.AdmissionSettings;
import signup.orchestrator.domain.ProtocolSettings;

@Command(name = "signup-orchestrator", mixinStandardHelpOptions = true,
    description = "Run the orchestrator: SignupService and TransactionCoordinator.")
public final class OrchestratorServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ServerOptions server;

  @Option(names = "--port", defaultValue = "${env:ORCHESTRATOR_PORT:-50051}",
      description = "Port (env ORCHESTRATOR_PORT); 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--metrics-port", defaultValue = "${env:ORCHESTRATOR_METRICS_PORT:-9451}",
      description = "Port of the Prometheus endpoint (/metrics, on --bind), 0 for a free one, "
          + "-1 for none (env ORCHESTRATOR_METRICS_PORT). Default: ${DEFAULT-VALUE}.")
  int metricsPort;

  @Option(names = "--db-file", defaultValue = "${env:ORCHESTRATOR_DB:-orchestrator.db}",
      description = "Log database, relative to --data-dir (env ORCHESTRATOR_DB). "
          + "Default: ${DEFAULT-VALUE}.")
  Path dbFile;

  @Option(names = "--db-url", defaultValue = "${env:ORCHESTRATOR_DB_URL}",
      description = "jdbc:postgresql://host:port/database: keep the log on PostgreSQL, in a "
          + "database of its own that every orchestrator replica shares, instead of --db-file "
          + "(env ORCHESTRATOR_DB_URL). The login comes from env ORCHESTRATOR_DB_USER and "
          + "ORCHESTRATOR_DB_PASSWORD or ORCHESTRATOR_DB_PASSWORD_FILE, never from the URL.")
  String dbUrl;

  /** Where the database login is read from: the process's environment, a map in tests. */
  Map<String, String> env = System.getenv();

  @Option(names = "--client-target", defaultValue = "${env:CLIENT_TARGET:-localhost:50052}",
      description = "client-server's address: host:port, or its replicas as "
          + "host:port,host:port or dns:///name:port, called in turn with health checking "
          + "(env CLIENT_TARGET). Default: ${DEFAULT-VALUE}.")
  String clientTarget;

  @Option(names = "--subscription-target",
      defaultValue = "${env:SUBSCRIPTION_TARGET:-localhost:50053}",
      description = "subscription-server's address: host:port, or its replicas as "
          + "host:port,host:port or dns:///name:port, called in turn with health checking "
          + "(env SUBSCRIPTION_TARGET). Default: ${DEFAULT-VALUE}.")
  String subscriptionTarget;

  @Option(names = "--reserve-deadline", defaultValue = "${env:SIGNUP_RESERVE_DEADLINE:-PT3S}",
      converter = DurationConverter.class,
      description = "Deadline of each Reserve call (env SIGNUP_RESERVE_DEADLINE). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration reserveDeadline;

  @Option(names = "--try-timeout", defaultValue = "${env:SIGNUP_TRY_TIMEOUT:-PT10S}",
      converter = DurationConverter.class,
      description = "Age at which recovery aborts an undecided sign-up (env SIGNUP_TRY_TIMEOUT). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration tryTimeout;

  @Option(names = "--recovery-interval", defaultValue = "${env:SIGNUP_RECOVERY_INTERVAL:-PT2S}",
      converter = DurationConverter.class,
      description = "How often recovery scans the log (env SIGNUP_RECOVERY_INTERVAL). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration recoveryInterval;

  @Mixin AdmissionOptions admission;

  @Override
  public Integer call() {
    CrashPoints crashPoints = server.crashPoints(spec, "orchestrator");
    // config() inside: reading the internal token is part of starting (exit code 3 if it fails).
    return ServerLauncher.runUntilStopped(() -> OrchestratorServer.create(config(), crashPoints),
        spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** The configuration these options describe. */
  public OrchestratorConfig config() {
    server.checkListening(spec, port);
    ServerOptions.requireMetricsPort(spec, metricsPort);
    ServerOptions.requirePositive(spec, "--reserve-deadline", reserveDeadline);
    ServerOptions.requirePositive(spec, "--recovery-interval", recoveryInterval);
    if (tryTimeout.compareTo(reserveDeadline) <= 0) {
      // Recovery must never abort a sign-up whose request is still waiting for its reserves.
      throw new ParameterException(spec.commandLine(),
          "--try-timeout must be longer than --reserve-deadline");
    }
    ProtocolSettings defaults = ProtocolSettings.DEFAULTS;
    ProtocolSettings protocol = new ProtocolSettings(reserveDeadline, tryTimeout,
        defaults.secondPhaseBudget(), defaults.callDeadline(), recoveryInterval);
    Retention retention = server.retention(spec, protocol.minimumRetention(),
        "--reserve-deadline + --try-timeout + --recovery-interval");
    // Checked first: transport() takes --max-late-calls as settings() found it.
    AdmissionSettings admissionSettings = admission.settings(spec);
    return new OrchestratorConfig(server.bind(), port, DatabaseOptions.location(spec, env,
        "ORCHESTRATOR", dbUrl, server.resolve(dbFile)),
        ServerOptions.requireTarget(spec, "--client-target", clientTarget),
        ServerOptions.requireTarget(spec, "--subscription-target", subscriptionTarget),
        protocol, admission.transport(server.transport(spec)), retention, metricsPort,
        admissionSettings);
  }
}
