package signup.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import signup.common.domain.DaemonThreads;
import signup.common.store.WriteStats;

/**
 * The three services as separate JVMs, as in production, on free localhost ports, with their
 * SQLite files and logs under one directory: started through this very class path's
 * {@code signup serve <service>}. Closing stops the orchestrator first, then the participants.
 */
final class SelfHostedSystem implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final int PORT_ATTEMPTS = 3;

  private final List<ServiceProcess> services;
  private final int orchestratorPort;

  private SelfHostedSystem(List<ServiceProcess> services, int orchestratorPort) {
    this.services = services;
    this.orchestratorPort = orchestratorPort;
  }

  /**
   * Starts the three services and waits until each listens.
   *
   * @param dir the data directory, also where each service's log goes ({@code <service>.log})
   * @param passwordHashCost client-server's {@code --password-hash-cost}
   * @param jvmOptions for every service, e.g. {@code -Xmx256m}
   * @param jfrDir when not null, each service records a JFR profile there
   *     ({@code <label>-<service>.jfr}, written when it stops)
   * @param orchestratorOptions more options of the orchestrator's (--max-in-flight)
   * @throws IllegalStateException when a service does not start (with its log's tail)
   */
  static SelfHostedSystem start(Path dir, String label, String passwordHashCost,
      List<String> jvmOptions, Path jfrDir, String mainClass, List<String> orchestratorOptions)
      throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(dir, label, passwordHashCost, jvmOptions, jfrDir, mainClass,
            orchestratorOptions);
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
      List<String> jvmOptions, Path jfrDir, String mainClass, List<String> orchestratorOptions)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    int orchestrator = freePort();
    int client = freePort();
    int subscription = freePort();
    String data = dir.toString();
    List<ServiceProcess> started = new ArrayList<>();
    try {
      started.add(launch("client-server", mainClass, dir, label, jvmOptions, jfrDir, List.of(
          "serve", "client", "--port", String.valueOf(client), "--metrics-port", "0",
          "--data-dir", data,
          "--coordinator", target(orchestrator), "--password-hash-cost", passwordHashCost)));
      started.add(launch("subscription-server", mainClass, dir, label, jvmOptions, jfrDir, List.of(
          "serve", "subscription", "--port", String.valueOf(subscription),
          "--metrics-port", "0", "--data-dir", data,
          "--coordinator", target(orchestrator), "--client-target", target(client))));
      List<String> orchestratorArgs = new ArrayList<>(List.of(
          "serve", "orchestrator", "--port", String.valueOf(orchestrator),
          "--metrics-port", "0", "--data-dir", data,
          "--client-target", target(client), "--subscription-target", target(subscription)));
      orchestratorArgs.addAll(orchestratorOptions);
      started.add(launch("orchestrator", mainClass, dir, label, jvmOptions, jfrDir,
          orchestratorArgs));
      for (ServiceProcess service : started) {
        service.awaitListening(START_TIMEOUT);
      }
      return new SelfHostedSystem(started, orchestrator);
    } catch (IOException | InterruptedException | RuntimeException e) {
      stopAll(started);
      throw e;
    }
  }

  String orchestratorTarget() {
    return target(orchestratorPort);
  }

  /** The service processes by name: orchestrator, client-server, subscription-server. */
  Map<String, ProcessHandle> processes() {
    Map<String, ProcessHandle> processes = new LinkedHashMap<>();
    for (int i = services.size() - 1; i >= 0; i--) {
      processes.put(services.get(i).name(), services.get(i).handle());
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

  private static ServiceProcess launch(String name, String mainClass, Path dir, String label,
      List<String> jvmOptions, Path jfrDir, List<String> args) throws IOException {
    List<String> options = new ArrayList<>(jvmOptions);
    if (jfrDir != null) {
      Files.createDirectories(jfrDir);
      options.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
          + jfrDir.resolve(label + "-" + name + ".jfr").toAbsolutePath());
    }
    return ServiceProcess.launch(name, ServiceProcess.Command.onThisClassPath(options, mainClass,
        args), dir.resolve(name + ".log"));
  }

  /** The orchestrator first, so that no sign-up starts while a participant goes away. */
  private static void stopAll(List<ServiceProcess> services) {
    for (int i = services.size() - 1; i >= 0; i--) {
      services.get(i).close();
    }
  }

  private static String target(int port) {
    return "127.0.0.1:" + port;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
