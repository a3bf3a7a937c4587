package signup.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import signup.common.domain.DaemonThreads;
import signup.common.store.DatabaseLocation.PostgresServer;
import signup.common.store.WriteStats;

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
  /** The variables a service reads its database from, cleared from what children inherit. */
  private static final List<String> DATABASE_VARIABLES =
      List.of("_DB_URL", "_DB_USER", "_DB_PASSWORD", "_DB_PASSWORD_FILE");

  /** Each service's replicas in turn: the client-servers, subscription-servers, orchestrators. */
  private final List<ServiceProcess> services;
  private final int replicas;
  private final String orchestrators;

  private SelfHostedSystem(List<ServiceProcess> services, int replicas, String orchestrators) {
    this.services = services;
    this.replicas = replicas;
    this.orchestrators = orchestrators;
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
   * @param databases where each service keeps its data; more than one replica needs PostgreSQL
   * @throws SystemStartException when a service does not start (with its log's tail)
   */
  static SelfHostedSystem start(Path dir, String label, String passwordHashCost,
      List<String> jvmOptions, Path jfrDir, String mainClass, int replicas,
      SystemDatabases databases) throws IOException, InterruptedException {
    if (replicas < 1 || (replicas > 1 && databases.service("client").isEmpty())) {
      throw new IllegalArgumentException("replicas must be 1, or share a PostgreSQL database");
    }
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(dir, label, passwordHashCost, jvmOptions, jfrDir, mainClass, replicas,
            databases);
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
      SystemDatabases databases) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    List<Integer> orchestrator = freePorts(replicas);
    List<Integer> client = freePorts(replicas);
    List<Integer> subscription = freePorts(replicas);
    String data = dir.toString();
    Launcher launcher = new Launcher(mainClass, dir, label, jvmOptions, jfrDir, databases,
        replicas);
    List<ServiceProcess> started = new ArrayList<>();
    try {
      for (int i = 0; i < replicas; i++) {
        started.add(launcher.launch("client-server", "client", i, List.of(
            "--port", String.valueOf(client.get(i)), "--metrics-port", "0", "--data-dir", data,
            "--coordinator", targets(orchestrator), "--password-hash-cost", passwordHashCost)));
      }
      for (int i = 0; i < replicas; i++) {
        started.add(launcher.launch("subscription-server", "subscription", i, List.of(
            "--port", String.valueOf(subscription.get(i)), "--metrics-port", "0",
            "--data-dir", data, "--coordinator", targets(orchestrator),
            "--client-target", targets(client))));
      }
      for (int i = 0; i < replicas; i++) {
        started.add(launcher.launch("orchestrator", "orchestrator", i, List.of(
            "--port", String.valueOf(orchestrator.get(i)), "--metrics-port", "0",
            "--data-dir", data, "--client-target", targets(client),
            "--subscription-target", targets(subscription))));
      }
      for (ServiceProcess service : started) {
        service.awaitListening(START_TIMEOUT);
      }
      return new SelfHostedSystem(started, replicas, targets(orchestrator));
    } catch (IOException | InterruptedException | RuntimeException e) {
      stopAll(started);
      throw e;
    }
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

  /** Each service's heap, by service name; a service whose heap cannot be read is left out. */
  Map<String, HeapUsage> heap() {
    // A thread a service: each probe waits on a jcmd and a full GC (not the common pool, whose
    // one thread on two cores would run them one after the other).
    ExecutorService probing = Executors.newFixedThreadPool(services.size(),
        DaemonThreads.numbered("heap-probe"));
    try {
      List<CompletableFuture<Optional<HeapUsage>>> probes = services.stream()
          .map(service -> CompletableFuture.supplyAsync(service::heap, probing))
          .toList();
      Map<String, HeapUsage> heap = new LinkedHashMap<>();
      for (int i = 0; i < services.size(); i++) {
        String name = services.get(i).name();
        probes.get(i).join().ifPresent(usage -> heap.put(name, usage));
      }
      return heap;
    } finally {
      probing.shutdownNow();
    }
  }

  /**
   * How each service's database grouped its writes over the run, by service name; known once
   * the services have stopped (they log it as they close).
   */
  Map<String, WriteStats> writeStats() {
    Map<String, WriteStats> stats = new LinkedHashMap<>();
    for (ServiceProcess service : services) {
      service.writeStatsFromLog().ifPresent(s -> stats.put(service.name(), s));
    }
    return stats;
  }

  @Override
  public void close() {
    stopAll(services);
  }

  /** Starts each service replica with its arguments, database and JFR recording. */
  private record Launcher(String mainClass, Path dir, String label, List<String> jvmOptions,
      Path jfrDir, SystemDatabases databases, int replicas) {

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
     * This JVM's environment without any database setting of the service's own (a
     * CLIENT_DB_URL exported for another purpose must not move a SQLite run elsewhere), and
     * with the login of its PostgreSQL database: the environment, not a flag that {@code ps}
     * shows to every user.
     */
    private static Map<String, String> environment(String service,
        Optional<PostgresServer> database) {
      String prefix = service.toUpperCase(Locale.ROOT);
      Map<String, String> environment = new HashMap<>(System.getenv());
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
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
