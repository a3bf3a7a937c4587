package signup.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import signup.common.metrics.PrometheusText;
import signup.common.store.DatabaseLocation.PostgresServer;
import signup.common.grpc.FreePorts;

/**
 * The three services as separate JVMs, as in production, on free localhost ports, with their
 * logs and data directory under one directory and their databases where {@link SystemDatabases}
 * says (SQLite files in that directory, or PostgreSQL): started through this very class path's
 * {@code signup serve <service>}. With several replicas of each, every target is the list of all
 * the replicas of the service it names, so calls spread over them as they would behind a load
 * balancer. Closing stops the orchestrators first, then the participants.
 */
final class SelfHostedSystem implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final int PORT_ATTEMPTS = 3;
  /** client-server's start-up line about its password hashes (ClientServer). */
  private static final Pattern HASHED_BY = Pattern.compile("password hashes: .* computed by "
      + "(.+), \\d+ at once");
  /** The variables a service reads its database from, cleared from what children inherit. */
  private static final List<String> DATABASE_VARIABLES =
      List.of("_DB_URL", "_DB_USER", "_DB_PASSWORD", "_DB_PASSWORD_FILE");

  /** Each service's replicas in turn: the client-servers, subscription-servers, orchestrators. */
  private final List<ServiceProcess> services;
  private final int replicas;
  private final String orchestrators;
  /** Each service's metrics endpoint, by name; empty when they serve none. */
  private final Map<String, Integer> metricsPorts;
  private final ServiceMetrics metrics = new ServiceMetrics();

  private SelfHostedSystem(List<ServiceProcess> services, int replicas, String orchestrators,
      Map<String, Integer> metricsPorts) {
    this.services = services;
    this.replicas = replicas;
    this.orchestrators = orchestrators;
    this.metricsPorts = metricsPorts;
  }

  /**
   * Starts {@code replicas} of each of the three services and waits until each listens.
   *
   * @param dir the data directory, also where each service's log goes ({@code <service>.log},
   *     {@code <service>-<n>.log} with replicas)
   * @param passwordHashCost client-server's {@code --password-hash-cost}
   * @param jvmOptions for every service, e.g. {@code -Xmx256m}
   * @param jfrDir when not null, each service records a JFR profile there
   *     ({@code <label>-<service>.jfr}, written when it stops)
   * @param replicas of each service
   * @param databases where each service keeps its data; more than one replica needs PostgreSQL
   * @param orchestratorOptions more options of the orchestrator's (--max-in-flight)
   * @param observability the services' metrics port and environment (traces)
   * @throws SystemStartException when a service does not start (with its log's tail)
   */
  static SelfHostedSystem start(Path dir, String label, String passwordHashCost,
      List<String> jvmOptions, Path jfrDir, String mainClass, int replicas,
      SystemDatabases databases, List<String> orchestratorOptions,
      Observability.Launch observability) throws IOException, InterruptedException {
    if (replicas < 1 || (replicas > 1 && databases.service("client").isEmpty())) {
      throw new IllegalArgumentException("replicas must be 1, or share a PostgreSQL database");
    }
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(dir, label, passwordHashCost, jvmOptions, jfrDir, mainClass, replicas,
            databases, orchestratorOptions, observability);
      } catch (SystemStartException e) {
        // A free port is free only when probed: another process may take it before the service
        // binds it (seen with two benchmarks at once). New ports then; any other failure stands.
        if (attempt == PORT_ATTEMPTS || e.getMessage() == null
            || !e.getMessage().contains("already in use")) {
          throw e;
        }
      }
    }
  }

  private static SelfHostedSystem startOnce(Path dir, String label, String passwordHashCost,
      List<String> jvmOptions, Path jfrDir, String mainClass, int replicas,
      SystemDatabases databases, List<String> orchestratorOptions,
      Observability.Launch observability) throws IOException, InterruptedException {
    String metricsPort = observability.metricsPort();
    Files.createDirectories(dir);
    List<Integer> orchestrator = freePorts(replicas);
    List<Integer> client = freePorts(replicas);
    List<Integer> subscription = freePorts(replicas);
    String data = dir.toString();
    Launcher launcher = new Launcher(mainClass, dir, label, jvmOptions, jfrDir, databases,
        replicas, observability.environment());
    List<ServiceProcess> started = new ArrayList<>();
    try {
      for (int i = 0; i < replicas; i++) {
        started.add(launcher.launch("client-server", "client", i, List.of(
            "--port", String.valueOf(client.get(i)), "--metrics-port", metricsPort,
            "--data-dir", data, "--coordinator", targets(orchestrator),
            "--password-hash-cost", passwordHashCost)));
      }
      for (int i = 0; i < replicas; i++) {
        started.add(launcher.launch("subscription-server", "subscription", i, List.of(
            "--port", String.valueOf(subscription.get(i)), "--metrics-port", metricsPort,
            "--data-dir", data, "--coordinator", targets(orchestrator),
            "--client-target", targets(client))));
      }
      for (int i = 0; i < replicas; i++) {
        List<String> args = new ArrayList<>(List.of(
            "--port", String.valueOf(orchestrator.get(i)), "--metrics-port", metricsPort,
            "--data-dir", data, "--client-target", targets(client),
            "--subscription-target", targets(subscription)));
        args.addAll(orchestratorOptions);
        started.add(launcher.launch("orchestrator", "orchestrator", i, args));
      }
      Map<String, Integer> metricsPorts = new LinkedHashMap<>();
      for (ServiceProcess service : started) {
        service.awaitListening(START_TIMEOUT);
        if (!metricsPort.equals("-1")) {
          metricsPorts.put(service.name(), service.awaitMetricsPort(START_TIMEOUT));
        }
      }
      return new SelfHostedSystem(started, replicas, targets(orchestrator), metricsPorts);
    } catch (IOException | InterruptedException | RuntimeException e) {
      stopAll(started);
      throw e;
    }
  }

  /**
   * The Argon2id implementation the (first) client-server computes password hashes with, from
   * its start-up line: "... computed by native (libsodium), 2 at once".
   */
  Optional<String> passwordsHashedBy() {
    return services.stream().filter(s -> s.name().startsWith("client-server")).findFirst()
        .flatMap(clientServer -> hashedBy(clientServer.logText()));
  }

  /** The implementation a client-server's log says it computes password hashes with. */
  static Optional<String> hashedBy(String clientServerLog) {
    Matcher m = HASHED_BY.matcher(clientServerLog);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** The orchestrators, one address or a list of every replica's. */
  String orchestratorTarget() {
    return orchestrators;
  }

  /**
   * The service processes by name, orchestrators first: orchestrator, client-server,
   * subscription-server, or orchestrator-1, orchestrator-2, ... with replicas.
   */
  Map<String, ProcessHandle> processes() {
    Map<String, ProcessHandle> processes = new LinkedHashMap<>();
    for (int first = services.size() - replicas; first >= 0; first -= replicas) {
      for (ServiceProcess service : services.subList(first, first + replicas)) {
        processes.put(service.name(), service.handle());
      }
    }
    return processes;
  }

  /**
   * A scrape of each service's {@code /metrics} now, by service name in {@link #processes}'
   * order; empty when they serve none, and a service that does not answer is left out.
   */
  Map<String, PrometheusText> scrape() {
    Map<String, PrometheusText> scrapes = new LinkedHashMap<>();
    for (String name : processes().keySet()) {
      Integer port = metricsPorts.get(name);
      if (port != null) {
        metrics.scrape(port).ifPresent(scrape -> scrapes.put(name, scrape));
      }
    }
    return scrapes;
  }

  @Override
  public void close() {
    stopAll(services);
  }

  /** Starts each service replica with its arguments, database, environment and JFR recording. */
  private record Launcher(String mainClass, Path dir, String label, List<String> jvmOptions,
      Path jfrDir, SystemDatabases databases, int replicas, Map<String, String> baseEnvironment) {

    /**
     * @param name the process's name in reports and logs, numbered with replicas
     * @param service what {@code signup serve} calls it
     */
    ServiceProcess launch(String name, String service, int replica, List<String> args)
        throws IOException {
      String process = replicas == 1 ? name : name + "-" + (replica + 1);
      List<String> options = new ArrayList<>(jvmOptions);
      if (jfrDir != null) {
        Files.createDirectories(jfrDir);
        options.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
            + jfrDir.resolve(label + "-" + process + ".jfr").toAbsolutePath());
      }
      List<String> command = new ArrayList<>(List.of("serve", service));
      command.addAll(args);
      Optional<PostgresServer> database = databases.service(service);
      database.ifPresent(db -> command.addAll(List.of("--db-url", db.url())));
      return ServiceProcess.launch(process, ServiceProcess.Command.onThisClassPath(options,
          mainClass, command), environment(service, database), dir.resolve(process + ".log"));
    }

    /**
     * The services' environment (this JVM's, as the observability settings adjust it) without
     * any database setting of the service's own (a CLIENT_DB_URL exported for another purpose
     * must not move a SQLite run elsewhere), and with the login of its PostgreSQL database: the
     * environment, not a flag that {@code ps} shows to every user.
     */
    private Map<String, String> environment(String service, Optional<PostgresServer> database) {
      String prefix = service.toUpperCase(Locale.ROOT);
      Map<String, String> environment = new HashMap<>(baseEnvironment);
      DATABASE_VARIABLES.forEach(suffix -> environment.remove(prefix + suffix));
      database.ifPresent(db -> {
        if (!db.user().isEmpty()) {
          environment.put(prefix + "_DB_USER", db.user());
        }
        if (!db.password().isEmpty()) {
          environment.put(prefix + "_DB_PASSWORD", db.password());
        }
      });
      return environment;
    }
  }

  /** The orchestrators first, so that no sign-up starts while a participant goes away. */
  private static void stopAll(List<ServiceProcess> services) {
    for (int i = services.size() - 1; i >= 0; i--) {
      services.get(i).close();
    }
  }

  /** "127.0.0.1:p", or "127.0.0.1:p1,127.0.0.1:p2" with replicas. */
  private static String targets(List<Integer> ports) {
    return ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
  }

  private static List<Integer> freePorts(int count) {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ports.add(freePort());
    }
    return ports;
  }

  static int freePort() {
    return FreePorts.pick();
  }
}
