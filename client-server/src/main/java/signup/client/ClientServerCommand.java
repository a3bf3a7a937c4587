package signup.client;

import java.nio.file.Path;
import java.time.Duration;
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
import signup.client.domain.LoginThrottleSettings;
import signup.client.security.TokenSettings;
import signup.common.cli.DatabaseOptions;
import signup.common.cli.DurationConverter;
import signup.common.cli.ParticipantOptions;
import signup.common.cli.ServerLauncher;
import signup.common.cli.ServerOptions;
import signup.common.fault.CrashPoints;
import signup.common.security.AccessTokenIssuer;

/** Runs the client server in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "client-server", mixinStandardHelpOptions = true,
    defaultValueProvider = ClientServerCommand.Environment.class,
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

  @Mixin
  ParticipantOptions participant;

  @Option(names = "--port", defaultValue = "${env:CLIENT_PORT:-50052}",
      description = "Port to listen on, 0 for a free one (env CLIENT_PORT). "
          + "Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--metrics-port", defaultValue = "${env:CLIENT_METRICS_PORT:-9452}",
      description = "Port of the Prometheus endpoint (/metrics, on --bind), 0 for a free one, "
          + "-1 for none (env CLIENT_METRICS_PORT). Default: ${DEFAULT-VALUE}.")
  int metricsPort;

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

  @Option(names = "--password-hash-cost",
      defaultValue = "${env:CLIENT_PASSWORD_HASH_COST:-owasp}",
      description = "Cost of new password hashes: owasp (Argon2id m=19 MiB, t=2, p=1), or "
          + "minimum (m=8 KiB, t=1) for benchmarks only, never for real passwords "
          + "(env CLIENT_PASSWORD_HASH_COST). Default: ${DEFAULT-VALUE}.")
  String passwordHashCost;

  @Option(names = "--access-token-ttl", defaultValue = "${env:CLIENT_ACCESS_TOKEN_TTL:-PT15M}",
      converter = DurationConverter.class,
      description = "How long an access token from Login is accepted, at most PT24H "
          + "(env CLIENT_ACCESS_TOKEN_TTL). Default: ${DEFAULT-VALUE}.")
  Duration accessTokenTtl;

  @Option(names = "--signing-key-max-age",
      defaultValue = "${env:CLIENT_SIGNING_KEY_MAX_AGE:-P30D}",
      converter = DurationConverter.class,
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
      converter = DurationConverter.class,
      description = "The window failed log-ins are counted in (env CLIENT_LOGIN_FAILURE_WINDOW). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration loginFailureWindow;

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
    server.checkListening(spec, port);
    ServerOptions.requireMetricsPort(spec, metricsPort);
    return new ClientServerConfig(server.bind(), port,
        DatabaseOptions.location(spec, env, "CLIENT", dbUrl, server.resolve(dbFile)),
        participant.coordinator(spec), participant.settings(spec),
        participant.coordinatorDeadline(spec), hashing(), ClientServerConfig.DEFAULT_DRAIN_TIMEOUT,
        server.transport(spec), participant.retention(spec, server), tokens(), throttle(),
        metricsPort);
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
    return Argon2Settings.named(passwordHashCost.strip()).orElseThrow(() -> new ParameterException(
        spec.commandLine(), "--password-hash-cost must be owasp or minimum, not "
            + passwordHashCost));
  }

  /** CLIENT_RESERVATION_TTL, ..., then the SIGNUP_ variable both participants share. */
  static final class Environment extends ParticipantOptions.Environment {
    Environment() {
      super("CLIENT");
    }
  }
}
