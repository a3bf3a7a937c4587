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
import signup.common.metrics.PrometheusText;

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
  /** Each service's metrics endpoint, by name; empty when they serve none. */
  private final Map<String, Integer> metricsPorts;
  private final ServiceMetrics metrics = new ServiceMetrics();

  private SelfHostedSystem(List<ServiceProcess> services, int orchestratorPort,
      Map<String, Integer> metricsPorts) {
    this.services = services;
    this.orchestratorPort = orchestratorPort;
    this.metricsPorts = metricsPorts;
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
   * @param observability the services' metrics port and environment (traces)
   * @throws IllegalStateException when a service does not start (with its log's tail)
   */
  static SelfHostedSystem start(Path dir, String label, String passwordHashCost,
      List<String> jvmOptions, Path jfrDir, String mainClass, List<String> orchestratorOptions,
      Observability.Launch observability) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(dir, label, passwordHashCost, jvmOptions, jfrDir, mainClass,
            orchestratorOptions, observability);
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
      List<String> jvmOptions, Path jfrDir, String mainClass, List<String> orchestratorOptions,
      Observability.Launch observability) throws IOException, InterruptedException {
    String metricsPort = observability.metricsPort();
    Map<String, String> environment = observability.environment();
    Files.createDirectories(dir);
    int orchestrator = freePort();
    int client = freePort();
    int subscription = freePort();
    String data = dir.toString();
    List<ServiceProcess> started = new ArrayList<>();
    try {
      started.add(launch("client-server", mainClass, dir, label, jvmOptions, jfrDir, List.of(
          "serve", "client", "--port", String.valueOf(client), "--metrics-port", metricsPort,
          "--data-dir", data,
          "--coordinator", target(orchestrator), "--password-hash-cost", passwordHashCost),
          environment));
      started.add(launch("subscription-server", mainClass, dir, label, jvmOptions, jfrDir, List.of(
          "serve", "subscription", "--port", String.valueOf(subscription),
          "--metrics-port", metricsPort, "--data-dir", data,
          "--coordinator", target(orchestrator), "--client-target", target(client)),
          environment));
      List<String> orchestratorArgs = new ArrayList<>(List.of(
          "serve", "orchestrator", "--port", String.valueOf(orchestrator),
          "--metrics-port", metricsPort, "--data-dir", data,
          "--client-target", target(client), "--subscription-target", target(subscription)));
      orchestratorArgs.addAll(orchestratorOptions);
      started.add(launch("orchestrator", mainClass, dir, label, jvmOptions, jfrDir,
          orchestratorArgs, environment));
      Map<String, Integer> metricsPorts = new LinkedHashMap<>();
      for (ServiceProcess service : started) {
        service.awaitListening(START_TIMEOUT);
        if (!metricsPort.equals("-1")) {
          metricsPorts.put(service.name(), service.awaitMetricsPort(START_TIMEOUT));
        }
      }
      return new SelfHostedSystem(started, orchestrator, metricsPorts);
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

  private static ServiceProcess launch(String name, String mainClass, Path dir, String label,
      List<String> jvmOptions, Path jfrDir, List<String> args, Map<String, String> environment)
      throws IOException {
    List<String> options = new ArrayList<>(jvmOptions);
    if (jfrDir != null) {
      Files.createDirectories(jfrDir);
      options.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
          + jfrDir.resolve(label + "-" + name + ".jfr").toAbsolutePath());
    }
    return ServiceProcess.launch(name, ServiceProcess.Command.onThisClassPath(options, mainClass,
        args), environment, dir.resolve(name + ".log"));
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
