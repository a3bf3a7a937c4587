package signup.subscription;

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
import signup.common.fault.CrashPoints;
import signup.common.domain.ParticipantSettings;
import signup.common.domain.Retention;

/** Runs the subscription server in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "subscription-server", mixinStandardHelpOptions = true,
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

  @Option(names = "--coordinator", defaultValue = "${env:SIGNUP_COORDINATOR:-localhost:50051}",
      description = "The orchestrator's TransactionCoordinator, asked about reservations past "
          + "their TTL: host:port, or several replicas as host:port,host:port or "
          + "dns:///name:port (env SIGNUP_COORDINATOR). Default: ${DEFAULT-VALUE}.")
  String coordinator;

  @Option(names = "--reservation-ttl",
      defaultValue = "${env:SUBSCRIPTION_RESERVATION_TTL:-PT30S}",
      converter = DurationConverter.class,
      description = "How long a reservation may stay undecided before the coordinator is asked "
          + "about it, like 30s or PT30S (env SUBSCRIPTION_RESERVATION_TTL). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration reservationTtl;

  @Option(names = "--sweep-interval",
      defaultValue = "${env:SUBSCRIPTION_SWEEP_INTERVAL:-PT5S}",
      converter = DurationConverter.class,
      description = "How often reservations past their TTL are looked for "
          + "(env SUBSCRIPTION_SWEEP_INTERVAL). Default: ${DEFAULT-VALUE}.")
  Duration sweepInterval;

  @Option(names = "--coordinator-deadline",
      defaultValue = "${env:SUBSCRIPTION_COORDINATOR_DEADLINE:-PT2S}",
      converter = DurationConverter.class,
      description = "Deadline of each question to the coordinator "
          + "(env SUBSCRIPTION_COORDINATOR_DEADLINE). Default: ${DEFAULT-VALUE}.")
  Duration coordinatorDeadline;

  @Override
  public Integer call() {
    CrashPoints crashPoints = server.crashPoints(spec, "subscription");
    // config() inside: reading the internal token is part of starting (exit code 3 if it fails).
    return ServerLauncher.runUntilStopped(() -> SubscriptionServer.create(config(), crashPoints),
        spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  SubscriptionServerConfig config() {
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port must be 0-65535, not " + port);
    }
    ServerOptions.requirePositive(spec, "--reservation-ttl", reservationTtl);
    ServerOptions.requirePositive(spec, "--sweep-interval", sweepInterval);
    ServerOptions.requirePositive(spec, "--coordinator-deadline", coordinatorDeadline);
    ParticipantSettings participant = new ParticipantSettings(reservationTtl, sweepInterval);
    Retention retention = server.retention(spec, participant.minimumRetention(),
        "--reservation-ttl + --sweep-interval");
    return new SubscriptionServerConfig(server.bind(), port, DatabaseOptions.location(spec, env,
        "SUBSCRIPTION", dbUrl, server.resolve(dbFile)),
        ServerOptions.requireTarget(spec, "--coordinator", coordinator), participant,
        coordinatorDeadline, server.transport(spec), retention);
  }

}
