package signup.client;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import signup.client.domain.Argon2Settings;
import signup.common.cli.DatabaseOptions;
import signup.common.cli.DurationConverter;
import signup.common.cli.ServerLauncher;
import signup.common.cli.ServerOptions;
import signup.common.fault.CrashPoints;
import signup.common.domain.ParticipantSettings;
import signup.common.domain.Retention;

/** Runs the client server in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "client-server", mixinStandardHelpOptions = true,
    description = "Client sign-up participant and public client reads (gRPC).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped normally", "2:bad option",
        "3:cannot start (port in use, database unusable, unreachable or not writable, no usable "
            + "internal token)"})
public final class ClientServerCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ClientServerCommand.class);

  @Spec
  CommandSpec spec;

  @Mixin
  ServerOptions server;

  @Option(names = "--port", defaultValue = "${env:CLIENT_PORT:-50052}",
      description = "Port to listen on, 0 for a free one (env CLIENT_PORT). "
          + "Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--db-file", defaultValue = "${env:CLIENT_DB:-client.db}",
      description = "SQLite file, relative to --data-dir (env CLIENT_DB). "
          + "Default: ${DEFAULT-VALUE}.")
  Path dbFile;

  @Option(names = "--db-url", defaultValue = "${env:CLIENT_DB_URL}",
      description = "jdbc:postgresql://host:port/database: keep the clients on PostgreSQL, in a "
          + "database of their own that every replica shares, instead of --db-file (env "
          + "CLIENT_DB_URL). The login comes from env CLIENT_DB_USER and CLIENT_DB_PASSWORD "
          + "or CLIENT_DB_PASSWORD_FILE, never from the URL.")
  String dbUrl;

  /** Where the database login is read from: the process's environment, a map in tests. */
  Map<String, String> env = System.getenv();

  @Option(names = "--coordinator", defaultValue = "${env:SIGNUP_COORDINATOR:-localhost:50051}",
      description = "The orchestrator's TransactionCoordinator, asked about reservations past "
          + "their TTL: host:port, or several replicas as host:port,host:port or "
          + "dns:///name:port (env SIGNUP_COORDINATOR). Default: ${DEFAULT-VALUE}.")
  String coordinator;

  @Option(names = "--coordinator-deadline",
      defaultValue = "${env:SIGNUP_COORDINATOR_DEADLINE:-PT2S}",
      converter = DurationConverter.class,
      description = "Deadline of a call to the coordinator (env SIGNUP_COORDINATOR_DEADLINE). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration coordinatorDeadline;

  @Option(names = "--reservation-ttl", defaultValue = "${env:CLIENT_RESERVATION_TTL:-PT30S}",
      converter = DurationConverter.class,
      description = "How long a reservation may stay undecided before the coordinator is asked "
          + "about it, like 30s or PT30S (env CLIENT_RESERVATION_TTL). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration reservationTtl;

  @Option(names = "--sweep-interval", defaultValue = "${env:CLIENT_SWEEP_INTERVAL:-PT5S}",
      converter = DurationConverter.class,
      description = "How often to look for reservations past their TTL "
          + "(env CLIENT_SWEEP_INTERVAL). Default: ${DEFAULT-VALUE}.")
  Duration sweepInterval;

  @Option(names = "--password-hash-cost",
      defaultValue = "${env:CLIENT_PASSWORD_HASH_COST:-owasp}",
      description = "Cost of new password hashes: owasp (Argon2id m=19 MiB, t=2, p=1), or "
          + "minimum (m=8 KiB, t=1) for benchmarks only, never for real passwords "
          + "(env CLIENT_PASSWORD_HASH_COST). Default: ${DEFAULT-VALUE}.")
  String passwordHashCost;

  @Override
  public Integer call() {
    if (hashing().weakerThan(Argon2Settings.OWASP)) {
      log.warn("password hashes at {} are below OWASP's minimum: for benchmarks only, never for "
          + "real passwords", hashing());
    }
    CrashPoints crashPoints = server.crashPoints(spec, "client");
    // config() inside: reading the internal token is part of starting (exit code 3 if it fails).
    return ServerLauncher.runUntilStopped(() -> ClientServer.create(config(), crashPoints),
        spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** The configuration these options describe. */
  public ClientServerConfig config() {
    if (port < 0 || port > 65_535) {
      throw new ParameterException(spec.commandLine(), "--port must be 0-65535, not " + port);
    }
    ServerOptions.requirePositive(spec, "--coordinator-deadline", coordinatorDeadline);
    ServerOptions.requirePositive(spec, "--reservation-ttl", reservationTtl);
    ServerOptions.requirePositive(spec, "--sweep-interval", sweepInterval);
    if (new InetSocketAddress(server.bind(), port).isUnresolved()) {
      throw new ParameterException(spec.commandLine(),
          "--bind " + server.bind() + " is not an address of this machine");
    }
    ParticipantSettings participant = new ParticipantSettings(reservationTtl, sweepInterval);
    Retention retention = server.retention(spec, participant.minimumRetention(),
        "--reservation-ttl + --sweep-interval");
    return new ClientServerConfig(server.bind(), port,
        DatabaseOptions.location(spec, env, "CLIENT", dbUrl, server.resolve(dbFile)),
        ServerOptions.requireTarget(spec, "--coordinator", coordinator), participant,
        coordinatorDeadline, hashing(),
        ClientServerConfig.DEFAULT_DRAIN_TIMEOUT, server.transport(spec), retention);
  }

  private Argon2Settings hashing() {
    return switch (passwordHashCost.strip().toLowerCase(Locale.ROOT)) {
      case "owasp" -> Argon2Settings.OWASP;
      case "minimum" -> Argon2Settings.MINIMUM;
      default -> throw new ParameterException(spec.commandLine(),
          "--password-hash-cost must be owasp or minimum, not " + passwordHashCost);
    };
  }

}
