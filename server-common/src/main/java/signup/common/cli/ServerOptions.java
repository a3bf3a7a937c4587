package signup.common.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import signup.common.domain.Retention;
import signup.common.fault.CrashPoints;
import signup.common.grpc.ConnectionPolicy;
import signup.common.grpc.Targets;
import signup.common.security.InternalToken;
import signup.common.security.TlsFiles;
import signup.common.security.Transport;

/** The options every server shares; each server adds its port and database file. */
public final class ServerOptions {
  @Option(names = "--bind", defaultValue = "${env:SIGNUP_BIND:-127.0.0.1}",
      description = "Address to listen on (env SIGNUP_BIND). Default: ${DEFAULT-VALUE}, this "
          + "machine only; 0.0.0.0 for every interface.")
  String bind;

  @Option(names = "--data-dir", defaultValue = "${env:SIGNUP_DATA_DIR:-./data}",
      description = "Directory of the SQLite files, created if missing (env SIGNUP_DATA_DIR). "
          + "Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--token-file", defaultValue = "${env:SIGNUP_TOKEN_FILE}",
      description = "File holding the internal token the services present to each other "
          + "(env SIGNUP_TOKEN_FILE; env SIGNUP_INTERNAL_TOKEN gives the token itself). "
          + "Default: internal.token in --data-dir, created (mode 0600) if missing.")
  Path tokenFile;

  @Option(names = "--tls-cert", defaultValue = "${env:SIGNUP_TLS_CERT}",
      description = "PEM certificate chain: serve TLS instead of plaintext (env SIGNUP_TLS_CERT).")
  Path tlsCert;

  @Option(names = "--tls-key", defaultValue = "${env:SIGNUP_TLS_KEY}",
      description = "PEM (PKCS#8) private key of --tls-cert (env SIGNUP_TLS_KEY).")
  Path tlsKey;

  @Option(names = "--tls-ca", defaultValue = "${env:SIGNUP_TLS_CA}",
      description = "PEM CA certificates trusted for the other services' certificates "
          + "(env SIGNUP_TLS_CA). Default: the JVM's CAs.")
  Path tlsCa;

  @Option(names = "--mtls", defaultValue = "${env:SIGNUP_MTLS:-false}",
      description = "Mutual TLS: require a client certificate signed by --tls-ca, and present "
          + "--tls-cert on calls to the other services (env SIGNUP_MTLS).")
  boolean mutualTls;

  @Option(names = "--retention", defaultValue = "${env:SIGNUP_RETENTION:-P7D}",
      converter = DurationConverter.class,
      description = "How long the records of a finished sign-up are kept (the orchestrator's "
          + "log rows, the participants' barrier rows; clients and subscriptions are kept for "
          + "good), and so how long a request_id is answered with its first outcome, e.g. 7d "
          + "or P7D (env SIGNUP_RETENTION). At least what the protocol needs. "
          + "Default: ${DEFAULT-VALUE}.")
  Duration retention;

  @Option(names = "--max-connections", defaultValue = "${env:SIGNUP_MAX_CONNECTIONS:-1000}",
      description = "Connections held open at once, counted from accept; one more is closed at "
          + "once. Keep it well under the descriptor limit (ulimit -n) "
          + "(env SIGNUP_MAX_CONNECTIONS). Default: ${DEFAULT-VALUE}.")
  int maxConnections;

  @Option(names = "--max-connection-idle",
      defaultValue = "${env:SIGNUP_MAX_CONNECTION_IDLE:-PT2M}",
      converter = DurationConverter.class,
      description = "A connection without a call for this long is closed; the client "
          + "reconnects on its next call (env SIGNUP_MAX_CONNECTION_IDLE). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration maxConnectionIdle;

  @Option(names = "--max-connection-age",
      defaultValue = "${env:SIGNUP_MAX_CONNECTION_AGE:-PT30M}",
      converter = DurationConverter.class,
      description = "Every connection is closed after about this long, its calls given 30 s "
          + "to finish (env SIGNUP_MAX_CONNECTION_AGE). Default: ${DEFAULT-VALUE}.")
  Duration maxConnectionAge;

  @Option(names = "--handshake-timeout",
      defaultValue = "${env:SIGNUP_HANDSHAKE_TIMEOUT:-PT10S}",
      converter = DurationConverter.class,
      description = "A new connection that has not sent the HTTP/2 preface (and finished TLS) "
          + "within this is closed (env SIGNUP_HANDSHAKE_TIMEOUT). Default: ${DEFAULT-VALUE}.")
  Duration handshakeTimeout;

  /** A port in 0-65535 and a {@code --bind} this machine has; a usage error otherwise. */
  public void checkListening(CommandSpec spec, int port) {
    if (port < 0 || port > 65_535) {
      throw new ParameterException(spec.commandLine(), "--port must be 0-65535, not " + port);
    }
    if (new InetSocketAddress(bind, port).isUnresolved()) {
      throw new ParameterException(spec.commandLine(),
          "--bind " + bind + " is not an address of this machine");
    }
  }

  public String bind() {
    return bind;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** A database file name is taken as relative to the data directory. */
  public Path resolve(Path dbFile) {
    return dataDir.resolve(dbFile);
  }

  /**
   * The transport these options describe: the internal token (from the environment or the token
   * file) and TLS when --tls-cert is given.
   */
  public Transport transport(CommandSpec spec) {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
    }
    if (mutualTls && (tlsCert == null || tlsCa == null)) {
      throw new ParameterException(spec.commandLine(),
          "--mtls needs --tls-cert, --tls-key and --tls-ca");
    }
    InternalToken token = InternalToken.load(System.getenv(),
        tokenFile != null ? tokenFile : dataDir.resolve(InternalToken.FILE_NAME));
    TlsFiles tls = tlsCert == null ? null : new TlsFiles(tlsCert, tlsKey, tlsCa, mutualTls);
    return new Transport(token, tls, connectionPolicy(spec));
  }

  /** The limits on the connections a server holds, from the defaults and these options. */
  public ConnectionPolicy connectionPolicy(CommandSpec spec) {
    if (maxConnections < 1) {
      throw new ParameterException(spec.commandLine(),
          "--max-connections must be at least 1, not " + maxConnections);
    }
    return ConnectionPolicy.DEFAULTS
        .withMaxConnections(maxConnections)
        .withMaxIdle(requirePositive(spec, "--max-connection-idle", maxConnectionIdle))
        .withMaxAge(requirePositive(spec, "--max-connection-age", maxConnectionAge))
        .withHandshakeTimeout(requirePositive(spec, "--handshake-timeout", handshakeTimeout));
  }

  /**
   * Fault injection for the crash tests, from {@value CrashPointSetting#VARIABLE} (no flag, on
   * purpose); none when unset. A bad setting is a usage error, so the server does not start.
   *
   * @param service orchestrator, client or subscription
   */
  public CrashPoints crashPoints(CommandSpec spec, String service) {
    try {
      return CrashPointSetting.fromEnvironment(System.getenv(), service);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /**
   * The --retention given, or a usage error (exit code 2) when it is shorter than
   * {@code minimum}, the least this server's protocol settings need.
   *
   * @param minimumIs how the minimum is made up, in option names ("--reservation-ttl +
   *     --sweep-interval"), so the message says which options move it
   */
  public Retention retention(CommandSpec spec, Duration minimum, String minimumIs) {
    requirePositive(spec, "--retention", retention);
    if (retention.compareTo(minimum) < 0) {
      throw new ParameterException(spec.commandLine(), "--retention must be at least "
          + minimum + " (" + minimumIs + "), not " + retention);
    }
    return new Retention(retention);
  }

  /**
   * A usage error (exit code 2) unless {@code target} is a gRPC target: {@code host:port},
   * {@code dns:///name:port}, or a comma-separated list of {@code host:port}, one per replica.
   */
  public static String requireTarget(CommandSpec spec, String option, String target) {
    try {
      Targets.check(target);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), option + " " + e.getMessage()
          + ": give host:port, dns:///name:port, or host:port,host:port for several replicas");
    }
    return target.strip();
  }

  /** A usage error (exit code 2) unless {@code port} is -1 (no endpoint), 0 (free) or a port. */
  public static int requireMetricsPort(CommandSpec spec, int port) {
    if (port < -1 || port > 65_535) {
      throw new ParameterException(spec.commandLine(),
          "--metrics-port must be -1 (none), 0 (a free port) or 1-65535, not " + port);
    }
    return port;
  }

  /** A usage error (exit code 2) unless {@code value} is a positive duration. */
  public static Duration requirePositive(CommandSpec spec, String option, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new ParameterException(spec.commandLine(),
          option + " must be a positive duration, like 30s or PT30S, not " + value);
    }
    return value;
  }
}
