package signup.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import signup.common.cli.DatabaseOptions;
import signup.common.cli.DurationConverter;
import signup.common.cli.ServerOptions;
import signup.common.store.DatabaseLocation;
import signup.common.store.DatabaseLocation.PostgresServer;
import signup.bench.BenchReport;
import signup.bench.BenchResult;
import signup.bench.BenchSettings;
import signup.bench.BenchStore;
import signup.bench.Benchmark;
import signup.bench.FloodSettings;
import signup.bench.Observability;
import signup.bench.HashCost;
import signup.bench.SelfStartedPostgres;
import signup.bench.SystemStartException;
import signup.bench.ThroughputChart;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measure sign-ups per second and their latency, against a running system "
        + "(--target) or one started here as three separate JVMs (--self-hosted), and beside "
        + "them the local limit: one process, with the services' JVM options, doing the same "
        + "durable work (the same hash, a client row and a subscription row in one transaction "
        + "on the same store: SQLite with synchronous=FULL, or PostgreSQL).",
        "Two configurations: production's password hash, and the minimum hash cost (for "
            + "benchmarks only), which leaves the protocol's own cost."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every sign-up succeeded", "1:some sign-ups failed (see errors)",
        "2:bad option", "3:the self-hosted system, the local limit or the bench's own "
            + "PostgreSQL could not start"})
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  /** --json, --timeout (the deadline of each Signup call) and how to reach --target. */
  @Mixin RemoteOptions remote;

  @Option(names = "--target", defaultValue = "${env:SIGNUP_TARGET:-localhost:50051}",
      description = "Orchestrator to drive: host:port, or its replicas as host:port,host:port or "
          + "dns:///name:port, called in turn (env SIGNUP_TARGET). Default: ${DEFAULT-VALUE}.")
  String target;

  @Option(names = "--self-hosted",
      description = "Start the three services here as separate JVMs (see --service-heap) on "
          + "free ports, with a temporary data directory; one fresh system per configuration.")
  boolean selfHosted;

  @Option(names = "--concurrency", split = ",", defaultValue = "64",
      description = "Sign-ups in flight; a list (1,4,16,64,256) runs one step each. "
          + "Default: ${DEFAULT-VALUE}.")
  List<Integer> concurrency;

  @Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class,
      description = "Length of each step (30s, 2m, PT30S). Default: ${DEFAULT-VALUE}.")
  Duration duration;

  @Option(names = "--count",
      description = "Sign-ups per step instead of a --duration.")
  Long count;

  @Option(names = "--warmup", defaultValue = "180s", converter = DurationConverter.class,
      description = "The longest warm-up (run, and not counted) before the first step of each "
          + "system and of the local limit. It runs in 5 s windows and ends earlier, once two "
          + "windows' throughputs are within 10%% and the JIT compilers used at most 3%% of the CPU "
          + "(where /proc tells): on two cores the JIT needs about a minute at thousands of "
          + "sign-ups a second, and about two at production hashing's tens. 0s for none. "
          + "Default: ${DEFAULT-VALUE}.")
  Duration warmup;

  @Option(names = "--min-warmup", defaultValue = "15s", converter = DurationConverter.class,
      description = "The shortest warm-up before the first step, settled or not (a shorter "
          + "--warmup wins). Default: ${DEFAULT-VALUE}.")
  Duration minWarmup;

  @Option(names = "--step-warmup", defaultValue = "3s", converter = DurationConverter.class,
      description = "Run, and not counted, before every other step (0s for none). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration stepWarmup;

  @Option(names = "--hash-cost",
      description = "Configurations to run: production, minimum or both. Default: both with "
          + "--self-hosted; with --target, the one its client-server runs (production unless "
          + "told), used for the local limit.")
  String hashCost;

  @Option(names = "--no-local", negatable = false,
      description = "Skip the local limit.")
  boolean noLocal;

  @Option(names = "--service-heap", defaultValue = "256m",
      description = "-Xmx of each self-hosted service. Default: ${DEFAULT-VALUE}.")
  String serviceHeap;

  @Option(names = "--jfr", paramLabel = "DIR",
      description = "Self-hosted: record a JFR profile of each service into DIR "
          + "(<configuration>-<service>.jfr).")
  Path jfrDir;

  @Option(names = "--chart", paramLabel = "FILE.png",
      description = "Also draw throughput and p99 against concurrency into this PNG.")
  Path chart;

  @Option(names = "--store", defaultValue = "sqlite",
      description = "Where the self-hosted services and the local limit keep their data: "
          + "sqlite (a file per service) or postgres (a schema per service and one for the "
          + "local limit, on the server of --db-url or, without one, on a PostgreSQL the bench "
          + "starts for the run from the postgresql package's initdb and pg_ctl, found on the "
          + "PATH or under /usr/lib/postgresql). Default: ${DEFAULT-VALUE}.")
  String store;

  @Option(names = "--db-url", defaultValue = "${env:BENCH_DB_URL}",
      description = "With --store postgres: jdbc:postgresql://host:port/database, whose user may "
          + "create schemas there; they are dropped at the end unless --keep-data "
          + "(env BENCH_DB_URL). The login comes from env BENCH_DB_USER and BENCH_DB_PASSWORD or "
          + "BENCH_DB_PASSWORD_FILE, never from the URL. Default: a PostgreSQL of the bench's own.")
  String dbUrl;

  @Option(names = "--replicas", defaultValue = "1",
      description = "Self-hosted: replicas of each service, each pointed at every replica of the "
          + "services it calls, and the bench at every orchestrator, called in turn; more than 1 "
          + "needs --store postgres (a SQLite file belongs to one process). "
          + "Default: ${DEFAULT-VALUE}.")
  int replicas;

  /** Where the PostgreSQL login is read from: the process's environment, a map in tests. */
  Map<String, String> env = System.getenv();

  /** The PostgreSQL this run started, stopped at its end; null for none. */
  private SelfStartedPostgres ownPostgres;
  @Option(names = "--flood", paramLabel = "CONCURRENCY",
      description = "After the sweep, a flood step: a closed loop of CONCURRENCY sign-ups "
          + "(one of --concurrency, whose step is its baseline) while --flood-threads threads "
          + "send Signup calls with a 1 ms deadline as fast as they are answered, and a normal "
          + "sign-up is made every 0.5 s (refused with a retry hint, it asks again after it, "
          + "until its deadline). Reports goodput against the step without the flood, "
          + "the flood's calls by outcome, the normal sign-ups, and (self-hosted) each "
          + "service's resident memory.")
  Integer flood;

  @Option(names = "--flood-threads", defaultValue = "16",
      description = "Threads of the flood. Default: ${DEFAULT-VALUE}.")
  int floodThreads;

  @Option(names = "--flood-shared-cpus",
      description = "Self-hosted: let the flood's client share the services' CPUs. By default "
          + "the services run on half the CPUs and the bench (the flood's client) on the "
          + "others, as an attacker's client would run on a machine of its own, and the step "
          + "is held against the same loop without the flood on the same split (Linux, "
          + "taskset, 2 CPUs or more; otherwise shared).")
  boolean floodSharedCpus;

  @Option(names = "--max-in-flight", paramLabel = "N",
      description = "Self-hosted: the orchestrator's --max-in-flight, past which it refuses a "
          + "sign-up at once with RESOURCE_EXHAUSTED and a retry hint. Default: its own (256).")
  Integer maxInFlight;

  @Option(names = "--observability", paramLabel = "off|metrics|tracing|metrics+tracing",
      description = "Self-hosted: what the services run with, to measure what each costs "
          + "bench against bench. metrics: their /metrics endpoint, from which the bench reads "
          + "heap and group commit; tracing: every span exported over OTLP/HTTP to a sink the "
          + "bench runs; off: neither (heap and group commit are then unavailable). "
          + "Default: metrics.")
  String observability;

  @Option(names = "--keep-data",
      description = "Keep the temporary directory (databases, service logs) and print where.")
  boolean keepData;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path workDir = Files.createTempDirectory("signup-bench-");
    BenchResult result;
    try {
      BenchSettings settings = settings(workDir);
      result = new Benchmark(settings, err, System.console() != null).run();
    } catch (SystemStartException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return ExitCodes.CANNOT_START;
    } finally {
      if (ownPostgres != null) {
        ownPostgres.close();
      }
      if (keepData) {
        err.println("bench: data and service logs kept in " + workDir);
      } else {
        deleteTree(workDir);
      }
    }
    if (remote.json) {
      BenchReport.printJson(out, result);
    } else {
      BenchReport.printText(out, result);
    }
    if (chart != null) {
      ThroughputChart.write(chart, result);
      err.println("bench: chart written to " + chart);
    }
    err.flush();
    return result.anyErrors() ? ExitCodes.FAILED : ExitCodes.OK;
  }

  BenchSettings settings(Path workDir) {
    boolean targetGiven = spec.commandLine().getParseResult().hasMatchedOption("--target");
    if (selfHosted && targetGiven) {
      throw usage("--target and --self-hosted exclude each other");
    }
    if (!selfHosted) {
      ServerOptions.requireTarget(spec, "--target", target);
    }
    if (count != null && spec.commandLine().getParseResult().hasMatchedOption("--duration")) {
      throw usage("--duration and --count exclude each other");
    }
    if (count != null && count < 1) {
      throw usage("--count must be at least 1");
    }
    if (concurrency.stream().anyMatch(c -> c < 1 || c > 10_000)) {
      throw usage("--concurrency must be 1-10000");
    }
    ServerOptions.requirePositive(spec, "--duration", duration);
    ServerOptions.requirePositive(spec, "--timeout", remote.timeout);
    if (warmup.isNegative() || minWarmup.isNegative() || stepWarmup.isNegative()) {
      throw usage("--warmup, --min-warmup and --step-warmup must not be negative");
    }
    if (maxInFlight != null && (!selfHosted || maxInFlight < 1)) {
      throw usage("--max-in-flight needs --self-hosted and must be at least 1");
    }
    if (!serviceHeap.matches("\\d+[kmgKMG]?")) {
      throw usage("--service-heap must look like 256m or 1g, not " + serviceHeap);
    }
    return new BenchSettings(selfHosted ? null : target, configurations(), concurrency,
        count == null ? duration : null, count == null ? 0 : count, minWarmup, warmup,
        stepWarmup, remote.timeout, !noLocal, List.of("-Xmx" + serviceHeap), jfrDir, workDir,
        remote::channel, new ParticipantsLocalLimitParts(),
        SignupCli.class.getName(), store(workDir), replicas, floodSettings(), command(),
        maxInFlight == null ? 0 : maxInFlight, observability());
  }

  private Observability observability() {
    if (observability == null) {
      return Observability.METRICS;
    }
    if (!selfHosted) {
      throw usage("--observability needs --self-hosted: a target runs as it was started");
    }
    try {
      return Observability.parse(observability);
    } catch (IllegalArgumentException e) {
      throw usage("--observability " + e.getMessage());
    }
  }

  private FloodSettings floodSettings() {
    if (flood == null) {
      return null;
    }
    if (!concurrency.contains(flood)) {
      throw usage("--flood " + flood + " must be one of --concurrency " + concurrency
          + ": that step, without the flood, is what the flood step is held against");
    }
    if (floodThreads < 1 || floodThreads > 1_000) {
      throw usage("--flood-threads must be 1-1000");
    }
    return new FloodSettings(flood, floodThreads, FloodSettings.CALL_DEADLINE,
        !floodSharedCpus);
  }

  /** "signup bench --self-hosted ...": this run as typed, for the report's header. */
  private String command() {
    List<String> words = new ArrayList<>(List.of("signup", "bench"));
    // The whole command line's: what comes before this command's name is not its own.
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    for (String arg : args.subList(args.indexOf(spec.name()) + 1, args.size())) {
      words.add(arg.matches("[A-Za-z0-9_@%+=:,./-]+") ? arg
          : "'" + arg.replace("'", "'\\''") + "'");
    }
    return String.join(" ", words);
  }

  /**
   * The store --store names, checked with --replicas and --db-url; last of all the checks, since
   * without a --db-url it starts a PostgreSQL server for the run (stopped by {@link #call}).
   */
  private BenchStore store(Path workDir) {
    boolean postgres = switch (store.strip().toLowerCase(Locale.ROOT)) {
      case "sqlite" -> false;
      case "postgres", "postgresql" -> true;
      default -> throw usage("--store must be sqlite or postgres, not " + store);
    };
    if (replicas < 1 || replicas > 16) {
      throw usage("--replicas must be 1-16");
    }
    if (replicas > 1 && !selfHosted) {
      throw usage("--replicas needs --self-hosted: a --target's replicas are its own (give them "
          + "as host:port,host:port)");
    }
    if (replicas > 1 && !postgres) {
      throw usage("--replicas " + replicas + " needs --store postgres: a service's SQLite file "
          + "belongs to one process, so its replicas cannot share it");
    }
    if (!postgres) {
      if (spec.commandLine().getParseResult().hasMatchedOption("--db-url")) {
        throw usage("--db-url needs --store postgres");
      }
      return BenchStore.SQLITE;
    }
    if (dbUrl != null && !dbUrl.isBlank()) {
      DatabaseLocation given = DatabaseOptions.location(spec, env, "BENCH", dbUrl, null);
      return new BenchStore.Postgres((PostgresServer) given, "given", keepData);
    }
    // Each service replica and the local limit open up to 12 connections (PostgresDatabase's
    // 8 writers and 4 readers); PostgreSQL's default of 100 is too few from 3 replicas on.
    int connections = Math.max(100, 12 * (3 * replicas + 1) + 20);
    ownPostgres = SelfStartedPostgres.start(workDir.resolve("postgres"), connections);
    return new BenchStore.Postgres(ownPostgres.server(), ownPostgres.origin(), keepData);
  }

  private List<HashCost> configurations() {
    String value = hashCost == null ? (selfHosted ? "both" : "production")
        : hashCost.strip().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "production", "owasp" -> List.of(HashCost.PRODUCTION);
      case "minimum" -> List.of(HashCost.MINIMUM);
      case "both" -> {
        if (!selfHosted) {
          throw usage("--hash-cost both needs --self-hosted: a target runs one configuration");
        }
        yield List.of(HashCost.PRODUCTION, HashCost.MINIMUM);
      }
      default -> throw usage("--hash-cost must be production, minimum or both, not " + hashCost);
    };
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temporary directory: the system cleans it up eventually
    }
  }
}
