package signup.orchestrator.bench;

import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import signup.common.store.WriteStats;

/**
 * Runs a benchmark: for each configuration, a system (started here, or the target), then for
 * each concurrency a warm-up and a measured step of sign-ups through the protocol, followed by
 * the local limit at the same concurrency and hash cost. Steps run one after the other, never
 * together, so that each has the machine to itself.
 */
public final class Benchmark {
  /** The bench's own process while it drives the protocol: the clients' side of the cost. */
  static final String DRIVER = "bench driver";
  /** The bench's own process while it runs the local limit. */
  static final String LOCAL = "local limit";

  private final BenchSettings settings;
  private final PrintWriter log;
  private final boolean progressBar;

  /**
   * @param log where a line per step goes (stderr), so a long run is never silent
   * @param progressBar whether to draw a progress bar on {@code log} (a terminal only)
   */
  public Benchmark(BenchSettings settings, PrintWriter log, boolean progressBar) {
    this.settings = settings;
    this.log = log;
    this.progressBar = progressBar;
  }

  /**
   * @throws SystemStartException when a self-hosted service does not start
   */
  public BenchResult run() throws IOException, InterruptedException {
    // E-mails are unique per run (and across runs, against a long-lived target).
    String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    AtomicLong sequence = new AtomicLong();
    List<BenchResult.Configuration> configurations = new ArrayList<>();
    for (HashCost cost : settings.configurations()) {
      configurations.add(runConfiguration(cost, runId, sequence));
    }
    return new BenchResult(settings.selfHosted() ? "self-hosted" : settings.target(),
        settings.selfHosted() ? settings.serviceJvmOptions() : List.of(),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        settings, configurations);
  }

  private BenchResult.Configuration runConfiguration(HashCost cost, String runId,
      AtomicLong sequence) throws IOException, InterruptedException {
    Path dir = settings.workDir().resolve(cost.label());
    SelfHostedSystem system = null;
    ManagedChannel channel = null;
    try {
      String target = settings.target();
      if (settings.selfHosted()) {
        note("starting the system (%s hash) in %s", cost.label(), dir);
        system = SelfHostedSystem.start(dir, cost.label(), cost.optionValue(),
            settings.serviceJvmOptions(), settings.jfrDir());
        target = system.orchestratorTarget();
      }
      channel = settings.channels().apply(target);
      List<BenchResult.Step> steps = new ArrayList<>();
      Map<String, WriteStats> groupCommit = new LinkedHashMap<>();
      try (LocalLimit local = settings.localLimit()
          ? new LocalLimit(dir.resolve("local-limit.db"), cost.settings(), runId) : null) {
        boolean first = true;
        for (int concurrency : settings.concurrencies()) {
          String name = cost.label() + " c=" + concurrency;
          Duration warmup = first ? settings.warmup() : settings.stepWarmup();
          first = false;
          Map<String, ProcessHandle> processes = new LinkedHashMap<>();
          if (system != null) {
            processes.putAll(system.processes());
          }
          processes.put(DRIVER, ProcessHandle.current());
          CpuMeter protocolCpu = new CpuMeter(processes);
          Measurement protocol = measure(name + " protocol",
              new SignupWorkload(channel, settings.deadline(), runId, sequence), concurrency,
              warmup, protocolCpu);
          Map<String, Double> protocolCpuPerSignup =
              protocolCpu.millisPerOperation(protocol.succeeded(), processes.keySet());
          Measurement localLimit = null;
          Map<String, Double> localCpu = Map.of();
          if (local != null) {
            CpuMeter localMeter = CpuMeter.ofThisProcess(LOCAL);
            try (LocalLimit.Steps work = local.workload(concurrency)) {
              localLimit = measure(name + " local", work, concurrency, warmup, localMeter);
            }
            localCpu = localMeter.millisPerOperation(localLimit.succeeded(), List.of(LOCAL));
          }
          BenchResult.Step step = new BenchResult.Step(concurrency, protocol, localLimit,
              protocolCpuPerSignup, localCpu);
          steps.add(step);
          note("%s: protocol %.1f/s (p99 %.1f ms, %d failed)%s", name, protocol.throughput(),
              protocol.latency().p99(), protocol.failed(), localLimit == null ? ""
                  : String.format(Locale.ROOT, ", local %.1f/s, ratio %.2f",
                      localLimit.throughput(), step.ratio()));
        }
        if (local != null) {
          groupCommit.put("local-limit", local.writeStats());
        }
      }
      Map<String, HeapUsage> heap = Map.of();
      if (system != null) {
        heap = system.heap();
        system.close();
        groupCommit.putAll(system.writeStats());
      }
      return new BenchResult.Configuration(cost, steps, heap, groupCommit);
    } finally {
      if (channel != null) {
        channel.shutdownNow();
      }
      if (system != null) {
        system.close();
      }
    }
  }

  /** A warm-up, then the measured step, with {@code cpu} started right before it. */
  private Measurement measure(String name, Workload workload, int concurrency, Duration warmup,
      CpuMeter cpu) throws InterruptedException {
    if (!warmup.isZero()) {
      run(name + " warm-up", new ClosedLoop(workload, concurrency, ClosedLoop.Limit.of(warmup)));
    }
    cpu.start();
    return run(name, new ClosedLoop(workload, concurrency, settings.limit()));
  }

  private Measurement run(String name, ClosedLoop loop) throws InterruptedException {
    if (!progressBar) {
      return loop.run();
    }
    try (ProgressBar bar = new ProgressBar(log, name, loop)) {
      return loop.run();
    }
  }

  private void note(String format, Object... args) {
    synchronized (log) {
      log.println("bench: " + String.format(Locale.ROOT, format, args));
      log.flush();
    }
  }
}
