package signup.orchestrator.crash;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import signup.orchestrator.cli.SignupCli;

/**
 * The three services as separate JVMs ({@code signup serve ...}, -Xmx256m) on free localhost
 * ports, sharing one data directory (client.db, subscription.db, orchestrator.db, as
 * {@code signup audit} expects), each restarted by its supervisor whenever it dies. A JVM
 * shutdown hook kills them too, should the test JVM itself be stopped.
 */
final class ProcessCluster implements AutoCloseable {
  static final List<String> SERVICES = List.of("client", "subscription", "orchestrator");

  /** Short timings, so that recovery and expiry happen within a test. */
  record Timings(Duration reservationTtl, Duration sweepInterval, Duration reserveDeadline,
      Duration tryTimeout, Duration recoveryInterval) {
    static final Timings FAST = new Timings(Duration.ofSeconds(3), Duration.ofMillis(500),
        Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofMillis(500));

    /** How long a pending row may live while everything is up: TTL plus a recovery period. */
    Duration maxPendingAge() {
      return reservationTtl.plus(tryTimeout).plus(recoveryInterval.multipliedBy(4))
          .plusSeconds(5);
    }
  }

  final Path dataDir;
  final Path logDir;
  final Timings timings;
  final int orchestratorPort = freePort();
  final int clientPort = freePort();
  final int subscriptionPort = freePort();
  private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
  private final ManagedChannel channel;
  private final Thread shutdownHook;

  /**
   * @param crashPoints the SIGNUP_CRASH_POINTS setting of every life, blank for none
   * @param seed fixes each life's crash-point seed
   */
  ProcessCluster(Path dir, Timings timings, String crashPoints, long seed) {
    this.dataDir = dir.resolve("data");
    this.logDir = dir.resolve("logs");
    this.timings = timings;
    try {
      Files.createDirectories(dataDir);
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.channel = ManagedChannelBuilder.forTarget("localhost:" + orchestratorPort)
        .usePlaintext().build();
    Map<String, String> environment = environment(crashPoints);
    Random seeds = new Random(seed);
    for (String service : SERVICES) {
      Random lifeSeeds = new Random(seeds.nextLong());
      Runnable onReady = service.equals("orchestrator")
          // The harness's channel may be backing off after the outage: reconnect now.
          ? channel::resetConnectBackoff : () -> { };
      services.put(service, new ServiceProcess(service, command(service), environment,
          lifeSeeds::nextLong, logDir, onReady));
    }
    this.shutdownHook = new Thread(this::stopProcesses, "process-cluster-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts the three and waits until each is listening. */
  ProcessCluster start() {
    services.values().forEach(ServiceProcess::start);
    awaitAllReady(Duration.ofSeconds(60));
    return this;
  }

  ServiceProcess service(String name) {
    return services.get(name);
  }

  List<ServiceProcess> services() {
    return List.copyOf(services.values());
  }

  boolean allReady() {
    return services.values().stream().allMatch(ServiceProcess::ready);
  }

  void awaitAllReady(Duration atMost) {
    Awaitility.await("all three services listening").atMost(atMost)
        .pollInterval(Duration.ofMillis(10)).until(this::allReady);
  }

  /** The harness's channel to the orchestrator (public API only). */
  ManagedChannel channel() {
    return channel;
  }

  private List<String> command(String service) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m",
        "-cp", System.getProperty("java.class.path"),
        SignupCli.class.getName(), "serve", service,
        "--data-dir", dataDir.toString()));
    String coordinator = "localhost:" + orchestratorPort;
    switch (service) {
      case "client" -> command.addAll(List.of("--port", Integer.toString(clientPort),
          "--coordinator", coordinator, "--reservation-ttl", timings.reservationTtl().toString(),
          "--sweep-interval", timings.sweepInterval().toString()));
      case "subscription" -> command.addAll(List.of("--port",
          Integer.toString(subscriptionPort), "--coordinator", coordinator,
          "--reservation-ttl", timings.reservationTtl().toString(),
          "--sweep-interval", timings.sweepInterval().toString()));
      default -> command.addAll(List.of("--port", Integer.toString(orchestratorPort),
          "--client-target", "localhost:" + clientPort,
          "--subscription-target", "localhost:" + subscriptionPort,
          "--reserve-deadline", timings.reserveDeadline().toString(),
          "--try-timeout", timings.tryTimeout().toString(),
          "--recovery-interval", timings.recoveryInterval().toString()));
    }
    return command;
  }

  /**
   * The test JVM's environment without any setting of ours (a developer's shell may have some),
   * plus one random internal token shared by the three and the crash points.
   */
  private static Map<String, String> environment(String crashPoints) {
    Map<String, String> environment = new HashMap<>();
    System.getenv().forEach((name, value) -> {
      if (!name.startsWith("SIGNUP_") && !name.startsWith("CLIENT_")
          && !name.startsWith("SUBSCRIPTION_") && !name.startsWith("ORCHESTRATOR_")) {
        environment.put(name, value);
      }
    });
    byte[] token = new byte[24];
    new SecureRandom().nextBytes(token);
    environment.put("SIGNUP_INTERNAL_TOKEN", HexFormat.of().formatHex(token));
    if (!crashPoints.isBlank()) {
      environment.put("SIGNUP_CRASH_POINTS", crashPoints);
    }
    return environment;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void stopProcesses() {
    // The orchestrator first, as an operator would.
    List<ServiceProcess> reversed = new ArrayList<>(services.values());
    java.util.Collections.reverse(reversed);
    reversed.forEach(ServiceProcess::close);
  }

  /** Kills every process this cluster started and stops restarting them. */
  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stopProcesses();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or has run
    }
  }
}
