package signup.subscription;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import signup.common.cli.DatabaseOptions;
import signup.common.cli.ParticipantOptions;
import signup.common.cli.ServerLauncher;
import signup.common.cli.ServerOptions;
import signup.common.fault.CrashPoints;

/** Runs the subscription server in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "subscription-server", mixinStandardHelpOptions = true,
    defaultValueProvider = SubscriptionServerCommand.Environment.class,
    description = "Plan catalogue, plan choice and subscriptions (gRPC "
        + "signup.subscription.v1.SubscriptionService and SubscriptionParticipant).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped normally", "2:invalid option",
        "3:cannot start (port in use, database unusable, unreachable or not writable, no usable "
            + "internal token)"})
public final class SubscriptionServerCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ServerOptions server;

  @Mixin
  ParticipantOptions participant;

  @Option(names = "--metrics-port", defaultValue = "${env:SUBSCRIPTION_METRICS_PORT:-9453}",
      description = "Port of the Prometheus endpoint (/metrics, on --bind), 0 for a free one, "
          + "-1 for none (env SUBSCRIPTION_METRICS_PORT). Default: ${DEFAULT-VALUE}.")
  int metricsPort;

  @Option(names = "--port", defaultValue = "${env:SUBSCRIPTION_PORT:-50053}",
      description = "Port to listen on, 0 for a free one (env SUBSCRIPTION_PORT). "
          + "Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--db-file", defaultValue = "${env:SUBSCRIPTION_DB:-subscription.db}",
      description = "SQLite file, relative to --data-dir (env SUBSCRIPTION_DB). "
          + "Default: ${DEFAULT-VALUE}.")
  Path dbFile;

  @Option(names = "--db-url", defaultValue = "${env:SUBSCRIPTION_DB_URL}",
      description = "jdbc:postgresql://host:port/database: keep the subscriptions on "
          + "PostgreSQL, in a database of their own that every replica shares, instead of "
          + "--db-file (env SUBSCRIPTION_DB_URL). The login comes from env SUBSCRIPTION_DB_USER "
          + "and SUBSCRIPTION_DB_PASSWORD or SUBSCRIPTION_DB_PASSWORD_FILE, never from the URL.")
  String dbUrl;

  /** Where the database login is read from: the process's environment, a map in tests. */
  Map<String, String> env = System.getenv();

  @Option(names = "--client-target", defaultValue = "${env:CLIENT_TARGET:-localhost:50052}",
      description = "client-server, whose public keys verify the access tokens of "
          + "GetSubscription and Subscribe: host:port, or several replicas as "
          + "host:port,host:port or dns:///name:port (env CLIENT_TARGET). "
          + "Default: ${DEFAULT-VALUE}.")
  String clientTarget;

  @Override
  public Integer call() {
    CrashPoints crashPoints = server.crashPoints(spec, "subscription");
    // config() inside: reading the internal token is part of starting (exit code 3 if it fails).
    return ServerLauncher.runUntilStopped(() -> SubscriptionServer.create(config(), crashPoints),
        spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  SubscriptionServerConfig config() {
    server.checkListening(spec, port);
    ServerOptions.requireMetricsPort(spec, metricsPort);
    return new SubscriptionServerConfig(server.bind(), port,
        DatabaseOptions.location(spec, env, "SUBSCRIPTION", dbUrl, server.resolve(dbFile)),
        participant.coordinator(spec), participant.settings(spec),
        participant.coordinatorDeadline(spec), server.transport(spec),
        participant.retention(spec, server),
        ServerOptions.requireTarget(spec, "--client-target", clientTarget), metricsPort);
  }

  /** SUBSCRIPTION_RESERVATION_TTL, ..., then the SIGNUP_ variable both participants share. */
  static final class Environment extends ParticipantOptions.Environment {
    Environment() {
      super("SUBSCRIPTION");
    }
  }
}
