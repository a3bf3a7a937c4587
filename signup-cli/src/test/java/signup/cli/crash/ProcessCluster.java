package signup.cli.crash;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import picocli.CommandLine;
import signup.bench.ServiceProcess;
import signup.cli.SignupCli;

/**
 * The three services as separate JVMs ({@code signup serve ...}, -Xmx256m) on free localhost
 * ports, sharing one data directory (client.db, subscription.db, orchestrator.db, as
 * {@code signup audit} expects), each restarted by its supervisor whenever it dies. A JVM
 * shutdown hook kills them too, should the test JVM itself be stopped.
 */
final class ProcessCluster implements AutoCloseable {
  static final List<String> SERVICES = List.of("client", "subscription", "orchestrator");

  /**
   * How the services run.
   *
   * @param crashPoints SIGNUP_CRASH_POINTS of each life of each service
   * @param passwordHashCost owasp (what production runs), or minimum where the hash's cost is
   *     beside the point and only slows a test down
   */
  record Config(Duration reservationTtl, Duration sweepInterval, Duration reserveDeadline,
      Duration tryTimeout, Duration recoveryInterval, CrashPlan crashPoints,
      String passwordHashCost) {
    /** Short timings, so that recovery and expiry happen within a test. */
    static final Config FAST = new Config(Duration.ofSeconds(3), Duration.ofMillis(500),
        Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofMillis(500), CrashPlan.NONE,
        "owasp");

    /** What production runs by default (README): the soak holds load with these. */
    static final Config PRODUCTION = new Config(Duration.ofSeconds(30), Duration.ofSeconds(5),
        Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(2), CrashPlan.NONE,
        "owasp");

    Config withCrashPoints(CrashPlan setting) {
      return new Config(reservationTtl, sweepInterval, reserveDeadline, tryTimeout,
          recoveryInterval, setting, passwordHashCost);
    }

    Config withPasswordHashCost(String cost) {
      return new Config(reservationTtl, sweepInterval, reserveDeadline, tryTimeout,
          recoveryInterval, crashPoints, cost);
    }

    /** How long a pending row may live while everything is up: TTL plus a recovery period. */
    Duration maxPendingAge() {
      return reservationTtl.plus(tryTimeout).plus(recoveryInterval.multipliedBy(4))
          .plusSeconds(5);
    }
  }

  final Path dataDir;
  final Path logDir;
  final Config config;
  final int orchestratorPort = freePort();
  final int clientPort = freePort();
  final int subscriptionPort = freePort();
  private final String classPath;
  private final Map<String, SupervisedService> services = new LinkedHashMap<>();
  private final ManagedChannel channel;
  private volatile boolean crashPointsOn = true;
  private final Thread shutdownHook;

  /** @param seed fixes each life's crash-point seed */
  ProcessCluster(Path dir, Config config, long seed) {
    this.dataDir = dir.resolve("data");
    this.logDir = dir.resolve("logs");
    this.config = config;
    try {
      Files.createDirectories(dataDir);
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.classPath = ClasspathSnapshot.copy(System.getProperty("java.class.path"),
        dir.resolve("classpath"));
    this.channel = ManagedChannelBuilder.forTarget("localhost:" + orchestratorPort)
        .usePlaintext().build();
    Map<String, String> environment = environment();
    Random seeds = new Random(seed);
    for (String service : SERVICES) {
      Random lifeSeeds = new Random(seeds.nextLong());
      Runnable onReady = service.equals("orchestrator")
          // The harness's channel may be backing off after the outage: reconnect now.
          ? channel::resetConnectBackoff : () -> { };
      ServiceProcess.Command command = command(service);
      write(logDir.resolve(service + ".command"), command.toString());
      services.put(service, new SupervisedService(service, command, environment,
          life -> crashPointsOn ? config.crashPoints().forLife(service, life) : "",
          lifeSeeds::nextLong, logDir, onReady));
    }
    this.shutdownHook = new Thread(this::stopProcesses, "process-cluster-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts the three and waits until each is listening; stops them all if one cannot. */
  ProcessCluster start() {
    try {
      services.values().forEach(SupervisedService::start);
      awaitAllReady(Duration.ofSeconds(60));
      return this;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  SupervisedService service(String name) {
    return services.get(name);
  }

  List<SupervisedService> services() {
    return List.copyOf(services.values());
  }

  /**
   * From now on no process runs with crash points: those that do are restarted without. The
   * verification after a run must not have its own answers lost to a crash.
   */
  void disarmCrashPoints() {
    crashPointsOn = false;
    services.values().stream().filter(SupervisedService::armed)
        .forEach(SupervisedService::restart);
    awaitAllReady(Duration.ofMinutes(2));
  }

  boolean allReady() {
    return services.values().stream().allMatch(SupervisedService::ready);
  }

  void awaitAllReady(Duration atMost) {
    Awaitility.await("all three services listening").atMost(atMost)
        .pollInterval(Duration.ofMillis(10)).until(this::allReady);
  }

  /** What {@code signup audit} said about the data directory. */
  record Audit(int exitCode, String output) {}

  /** Runs {@code signup audit} on the three files, as an operator would. */
  Audit audit() {
    StringWriter output = new StringWriter();
    CommandLine cli = SignupCli.commandLine(InputStream.nullInputStream());
    cli.setOut(new PrintWriter(output));
    cli.setErr(new PrintWriter(output));
    int exit = cli.execute("audit", "--data-dir", dataDir.toString(),
        "--max-pending-age", config.maxPendingAge().toString());
    return new Audit(exit, output.toString());
  }

  /** The harness's channel to the orchestrator (public API only). */
  ManagedChannel channel() {
    return channel;
  }

  private ServiceProcess.Command command(String service) {
    List<String> args = new ArrayList<>(List.of("serve", service,
        "--data-dir", dataDir.toString()));
    String coordinator = "localhost:" + orchestratorPort;
    switch (service) {
      case "client" -> args.addAll(List.of("--port", Integer.toString(clientPort),
          "--coordinator", coordinator, "--password-hash-cost", config.passwordHashCost(),
          "--reservation-ttl", config.reservationTtl().toString(),
          "--sweep-interval", config.sweepInterval().toString()));
      case "subscription" -> args.addAll(List.of("--port",
          Integer.toString(subscriptionPort), "--coordinator", coordinator,
          "--client-target", "localhost:" + clientPort,
          "--reservation-ttl", config.reservationTtl().toString(),
          "--sweep-interval", config.sweepInterval().toString()));
      default -> args.addAll(List.of("--port", Integer.toString(orchestratorPort),
          "--client-target", "localhost:" + clientPort,
          "--subscription-target", "localhost:" + subscriptionPort,
          "--reserve-deadline", config.reserveDeadline().toString(),
          "--try-timeout", config.tryTimeout().toString(),
          "--recovery-interval", config.recoveryInterval().toString()));
    }
    return new ServiceProcess.Command(List.of("-Xmx256m"), classPath, SignupCli.class.getName(),
        args);
  }

  /**
   * The test JVM's environment without any setting of ours (a developer's shell may have some),
   * plus one random internal token shared by the three.
   */
  private static Map<String, String> environment() {
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
    return environment;
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text + System.lineSeparator());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
    List<SupervisedService> reversed = new ArrayList<>(services.values());
    Collections.reverse(reversed);
    reversed.forEach(SupervisedService::close);
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
