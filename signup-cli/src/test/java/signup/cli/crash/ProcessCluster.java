package signup.cli.crash;

import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import picocli.CommandLine;
import signup.bench.ServiceProcess;
import signup.cli.SignupCli;
import signup.common.grpc.Targets;
import signup.common.store.DatabaseLocation.PostgresServer;
import signup.common.grpc.FreePorts;

/**
 * The three services as separate JVMs ({@code signup serve ...}, -Xmx256m) on free localhost
 * ports, each restarted by its supervisor whenever it dies. Either one process of each on one
 * data directory (client.db, subscription.db, orchestrator.db, as {@code signup audit}
 * expects), or several replicas of each on PostgreSQL, a database per service that its replicas
 * share, every target the list of all replicas of the service it names. A JVM shutdown hook
 * kills them too, should the test JVM itself be stopped.
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
  private final Stores stores;
  private final int replicas;
  /** Each service's replicas' ports, in replica order. */
  private final Map<String, List<Integer>> ports = new HashMap<>();
  private final String classPath;
  private final Map<String, SupervisedService> services = new LinkedHashMap<>();
  private final ManagedChannel channel;
  private volatile boolean crashPointsOn = true;
  private final Thread shutdownHook;

  /**
   * One process of each service on SQLite files in {@code dir}/data.
   *
   * @param seed fixes each life's crash-point seed
   */
  ProcessCluster(Path dir, Config config, long seed) {
    this(dir, config, seed, Stores.sqlite(dir.resolve("data")), 1);
  }

  /**
   * {@code replicas} processes of each service on {@code stores}: more than one needs stores
   * that several processes share (PostgreSQL).
   */
  ProcessCluster(Path dir, Config config, long seed, Stores stores, int replicas) {
    if (replicas < 1 || replicas > 1 && !stores.onPostgres()) {
      throw new IllegalArgumentException(replicas + " replicas on " + stores.kind());
    }
    this.dataDir = dir.resolve("data");
    this.logDir = dir.resolve("logs");
    this.config = config;
    this.stores = stores;
    this.replicas = replicas;
    for (String service : SERVICES) {
      List<Integer> servicePorts = new ArrayList<>();
      for (int n = 1; n <= replicas; n++) {
        servicePorts.add(freePort());
      }
      ports.put(service, servicePorts);
    }
    try {
      Files.createDirectories(dataDir);
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.classPath = ClasspathSnapshot.copy(System.getProperty("java.class.path"),
        dir.resolve("classpath"));
    // Several orchestrators are called in turn, each health-checked, as a client given their
    // list would: a dead one leaves the rotation at once.
    this.channel = Targets.channelBuilder(target("orchestrator"),
        InsecureChannelCredentials.create()).build();
    Map<String, String> environment = environment();
    Random seeds = new Random(seed);
    for (String service : SERVICES) {
      for (int n = 1; n <= replicas; n++) {
        String name = replicaName(service, n, replicas);
        Random lifeSeeds = new Random(seeds.nextLong());
        Runnable onReady = service.equals("orchestrator")
            // The harness's channel may be backing off after the outage: reconnect now.
            ? channel::resetConnectBackoff : () -> { };
        ServiceProcess.Command command = command(service, ports.get(service).get(n - 1));
        write(logDir.resolve(name + ".command"), command.toString());
        services.put(name, new SupervisedService(name, service, command, environment,
            life -> crashPointsOn ? config.crashPoints().forLife(service, life) : "",
            lifeSeeds::nextLong, logDir, onReady));
      }
    }
    this.shutdownHook = new Thread(this::stopProcesses, "process-cluster-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** The name of replica {@code n} (from 1) of {@code service}: "client", or "client-2". */
  static String replicaName(String service, int n, int replicas) {
    return replicas == 1 ? service : service + "-" + n;
  }

  /** Starts every process and waits until each is listening; stops them all if one cannot. */
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

  /** A process by its name: "orchestrator", or "orchestrator-2" when there are replicas. */
  SupervisedService service(String name) {
    SupervisedService service = services.get(name);
    if (service == null) {
      throw new IllegalArgumentException("no process " + name + " in " + services.keySet());
    }
    return service;
  }

  int replicas() {
    return replicas;
  }

  Stores stores() {
    return stores;
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
    Awaitility.await("every process listening").atMost(atMost)
        .pollInterval(Duration.ofMillis(10)).until(this::allReady);
  }

  /**
   * A replica of every service listening: the system can take sign-ups. With one process of
   * each, that is every process.
   */
  void awaitAvailable(Duration atMost) {
    Awaitility.await("a replica of every service listening").atMost(atMost)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> SERVICES.stream().allMatch(service -> services.values().stream()
            .anyMatch(s -> s.kind().equals(service) && s.ready())));
  }

  /** Every service has a replica down (killed, or not listening again yet) at this moment. */
  boolean everyServicePartlyDown() {
    return SERVICES.stream().allMatch(service -> services.values().stream()
        .anyMatch(s -> s.kind().equals(service) && !s.ready()));
  }

  /** What {@code signup audit} said about the data directory. */
  record Audit(int exitCode, String output) {}

  /** Runs {@code signup audit} on the three stores, as an operator would. */
  Audit audit() {
    StringWriter output = new StringWriter();
    CommandLine cli = SignupCli.commandLine(InputStream.nullInputStream());
    cli.setOut(new PrintWriter(output));
    cli.setErr(new PrintWriter(output));
    List<String> args = new ArrayList<>(List.of("audit"));
    args.addAll(stores.auditOptions());
    args.addAll(List.of("--max-pending-age", config.maxPendingAge().toString()));
    int exit = cli.execute(args.toArray(String[]::new));
    return new Audit(exit, output.toString());
  }

  /** The harness's channel to the orchestrators (public API only). */
  ManagedChannel channel() {
    return channel;
  }

  private ServiceProcess.Command command(String service, int port) {
    // A free metrics port: two replicas, or another test's services, would collide on the
    // default one.
    List<String> args = new ArrayList<>(List.of("serve", service,
        "--data-dir", dataDir.toString(), "--port", Integer.toString(port),
        "--metrics-port", "0"));
    if (stores.of(service) instanceof PostgresServer db) {
      args.addAll(List.of("--db-url", db.url()));
    }
    String coordinator = target("orchestrator");
    switch (service) {
      case "client" -> args.addAll(List.of(
          "--coordinator", coordinator, "--password-hash-cost", config.passwordHashCost(),
          "--reservation-ttl", config.reservationTtl().toString(),
          "--sweep-interval", config.sweepInterval().toString()));
      case "subscription" -> args.addAll(List.of("--coordinator", coordinator,
          "--client-target", target("client"),
          "--reservation-ttl", config.reservationTtl().toString(),
          "--sweep-interval", config.sweepInterval().toString()));
      default -> args.addAll(List.of(
          "--client-target", target("client"),
          "--subscription-target", target("subscription"),
          "--reserve-deadline", config.reserveDeadline().toString(),
          "--try-timeout", config.tryTimeout().toString(),
          "--recovery-interval", config.recoveryInterval().toString()));
    }
    return new ServiceProcess.Command(List.of("-Xmx256m"), classPath, SignupCli.class.getName(),
        args);
  }

  /** Every replica of {@code service}: one host:port, or a comma-separated list of them. */
  private String target(String service) {
    return ports.get(service).stream().map(port -> "localhost:" + port)
        .collect(Collectors.joining(","));
  }

  /**
   * The test JVM's environment without any setting of ours (a developer's shell may have some),
   * plus one random internal token shared by all, and each service's database login.
   */
  private Map<String, String> environment() {
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
    for (String service : SERVICES) {
      if (stores.of(service) instanceof PostgresServer db) {
        String prefix = service.toUpperCase(Locale.ROOT);
        environment.put(prefix + "_DB_USER", db.user());
        if (!db.password().isEmpty()) {
          environment.put(prefix + "_DB_PASSWORD", db.password());
        }
      }
    }
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
    return FreePorts.pick();
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
