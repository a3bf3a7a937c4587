package signup.client;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
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
import signup.client.domain.LoginThrottleSettings;
import signup.client.security.TokenSettings;
import signup.common.cli.ServerLauncher;
import signup.common.cli.ServerOptions;
import signup.common.fault.CrashPoints;
import signup.common.domain.ParticipantSettings;
import signup.common.security.AccessTokenIssuer;
import signup.common.store.SqliteDatabase.Synchronous;

/** Runs the client server in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "client-server", mixinStandardHelpOptions = true,
    description = "Client sign-up participant and public client reads (gRPC).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped normally", "2:bad option",
        "3:cannot start (port in use, database unusable)"})
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

  @Option(names = "--coordinator", defaultValue = "${env:SIGNUP_COORDINATOR:-localhost:50051}",
      description = "The orchestrator's TransactionCoordinator, asked about reservations past "
          + "their TTL (env SIGNUP_COORDINATOR). Default: ${DEFAULT-VALUE}.")
  String coordinator;

  @Option(names = "--coordinator-deadline",
      defaultValue = "${env:SIGNUP_COORDINATOR_DEADLINE:-PT2S}",
      description = "Deadline of a call to the coordinator (env SIGNUP_COORDINATOR_DEADLINE). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration coordinatorDeadline;

  @Option(names = "--reservation-ttl", defaultValue = "${env:CLIENT_RESERVATION_TTL:-PT30S}",
      description = "How long a reservation may stay undecided before the coordinator is asked "
          + "about it, as an ISO-8601 duration (env CLIENT_RESERVATION_TTL). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration reservationTtl;

  @Option(names = "--sweep-interval", defaultValue = "${env:CLIENT_SWEEP_INTERVAL:-PT5S}",
      description = "How often to look for reservations past their TTL "
          + "(env CLIENT_SWEEP_INTERVAL). Default: ${DEFAULT-VALUE}.")
  Duration sweepInterval;

  @Option(names = "--password-hash-cost",
      defaultValue = "${env:CLIENT_PASSWORD_HASH_COST:-owasp}",
      description = "Cost of new password hashes: owasp (Argon2id m=19 MiB, t=2, p=1), or "
          + "minimum (m=8 KiB, t=1) for benchmarks only, never for real passwords "
          + "(env CLIENT_PASSWORD_HASH_COST). Default: ${DEFAULT-VALUE}.")
  String passwordHashCost;

  @Option(names = "--access-token-ttl", defaultValue = "${env:CLIENT_ACCESS_TOKEN_TTL:-PT15M}",
      description = "How long an access token from Login is accepted, at most PT24H "
          + "(env CLIENT_ACCESS_TOKEN_TTL). Default: ${DEFAULT-VALUE}.")
  Duration accessTokenTtl;

  @Option(names = "--signing-key-max-age",
      defaultValue = "${env:CLIENT_SIGNING_KEY_MAX_AGE:-P30D}",
      description = "How long one key signs access tokens before a new one replaces it; the "
          + "old one keeps verifying until its tokens expire (env CLIENT_SIGNING_KEY_MAX_AGE). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration signingKeyMaxAge;

  @Option(names = "--login-max-failures", defaultValue = "${env:CLIENT_LOGIN_MAX_FAILURES:-5}",
      description = "Failed log-ins allowed for one e-mail per --login-failure-window; then "
          + "RESOURCE_EXHAUSTED until it ends (env CLIENT_LOGIN_MAX_FAILURES). "
          + "Default: ${DEFAULT-VALUE}.")
  int loginMaxFailures;

  @Option(names = "--login-max-failures-per-address",
      defaultValue = "${env:CLIENT_LOGIN_MAX_FAILURES_PER_ADDRESS:-50}",
      description = "Failed log-ins allowed from one caller address per --login-failure-window "
          + "(env CLIENT_LOGIN_MAX_FAILURES_PER_ADDRESS). Default: ${DEFAULT-VALUE}.")
  int loginMaxFailuresPerAddress;

  @Option(names = "--login-failure-window",
      defaultValue = "${env:CLIENT_LOGIN_FAILURE_WINDOW:-PT15M}",
      description = "The window failed log-ins are counted in (env CLIENT_LOGIN_FAILURE_WINDOW). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration loginFailureWindow;

  @Override
  public Integer call() {
    ClientServerConfig config = config();
    if (config.hashing().weakerThan(Argon2Settings.OWASP)) {
      log.warn("password hashes at {} are below OWASP's minimum: for benchmarks only, never for "
          + "real passwords", config.hashing());
    }
    CrashPoints crashPoints = server.crashPoints(spec, "client");
    return ServerLauncher.runUntilStopped(() -> ClientServer.create(config, crashPoints),
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
    return new ClientServerConfig(server.bind(), port, server.resolve(dbFile), coordinator,
        new ParticipantSettings(reservationTtl, sweepInterval), coordinatorDeadline,
        hashing(), Synchronous.FULL, ClientServerConfig.DEFAULT_DRAIN_TIMEOUT,
        server.transport(spec), tokens(), throttle());
  }

  private TokenSettings tokens() {
    ServerOptions.requirePositive(spec, "--access-token-ttl", accessTokenTtl);
    ServerOptions.requirePositive(spec, "--signing-key-max-age", signingKeyMaxAge);
    if (accessTokenTtl.compareTo(AccessTokenIssuer.MAX_TTL) > 0) {
      throw new ParameterException(spec.commandLine(), "--access-token-ttl must be at most "
          + "PT24H: a token cannot be revoked, only outlived");
    }
    return new TokenSettings(accessTokenTtl, signingKeyMaxAge);
  }

  private LoginThrottleSettings throttle() {
    ServerOptions.requirePositive(spec, "--login-failure-window", loginFailureWindow);
    if (loginMaxFailures < 1 || loginMaxFailuresPerAddress < 1) {
      throw new ParameterException(spec.commandLine(),
          "--login-max-failures and --login-max-failures-per-address must be at least 1");
    }
    return new LoginThrottleSettings(loginMaxFailures, loginMaxFailuresPerAddress,
        loginFailureWindow);
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
