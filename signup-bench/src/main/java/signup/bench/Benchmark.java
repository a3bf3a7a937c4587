package signup.bench;

import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import signup.common.metrics.PrometheusText;
import signup.common.store.WriteStats;

/**
 * Runs a benchmark: for each configuration, a system (started here, or the target), then for
 * each concurrency a warm-up and a measured step of sign-ups through the protocol, followed by
 * the local limit at the same concurrency and hash cost (on the same store, in a JVM of its
 * own). The first warm-up of each goes on until throughput has settled (a
 * {@link SettlingRule}); the others are short and fixed. Steps run one after the other, never
 * together, so that each has the machine to itself.
 */
public final class Benchmark {
  /** The bench's own process while it drives the protocol: the clients' side of the cost. */
  static final String DRIVER = "bench driver";
  /** The local limit's own JVM. */
  static final String LOCAL = "local limit";
  private static final String ORCHESTRATOR = "orchestrator";
  /** The orchestrator's count of sign-ups begun (a TRYING row written). */
  private static final String SIGNUPS_STARTED = "signup_started_total";

  private final BenchSettings settings;
  private final PrintWriter log;
  private final boolean progressBar;
  private final ProcFs procFs = ProcFs.system();
  /** The local limit's JVM's most heap, once one has started. */
  private long localLimitHeapMiB;

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
        Runtime.getRuntime().availableProcessors(), localLimitHeapMiB, settings, configurations);
  }

  private BenchResult.Configuration runConfiguration(HashCost cost, String runId,
      AtomicLong sequence) throws IOException, InterruptedException {
    Path dir = settings.workDir().resolve(cost.label());
    SelfHostedSystem system = null;
    ManagedChannel channel = null;
    SystemDatabases databases = null;
    TraceSink traces = null;
    try {
      String target = settings.target();
      databases = settings.store().databases(dir, runId + "_" + cost.label());
      if (settings.selfHosted()) {
        note("starting the system (%s hash, %s, %d replica%s of each service, %s) in %s",
            cost.label(), databases.describe(), settings.replicas(),
            settings.replicas() == 1 ? "" : "s", settings.observability().label(), dir);
        traces = settings.observability().tracing() ? TraceSink.start() : null;
        system = SelfHostedSystem.start(dir, cost.label(), cost.optionValue(),
            settings.serviceJvmOptions(), settings.jfrDir(), settings.serveMainClass(),
            settings.replicas(), databases, settings.maxInFlight() > 0
                ? List.of("--max-in-flight", String.valueOf(settings.maxInFlight())) : List.of(),
            settings.observability().launch(System.getenv(),
                traces == null ? null : traces.endpoint()));
        target = system.orchestratorTarget();
      }
      channel = settings.channels().apply(target);
      List<BenchResult.Step> steps = new ArrayList<>();
      Map<String, WriteStats> groupCommit = new LinkedHashMap<>();
      try (LocalLimitProcess local = settings.localLimit() ? LocalLimitProcess.start(settings,
          cost, databases.localLimit(), dir, cost.label(), runId) : null) {
        if (local != null) {
          localLimitHeapMiB = local.maxHeapMiB();
        }
        boolean first = true;
        for (int concurrency : settings.concurrencies()) {
          String name = cost.label() + " c=" + concurrency;
          Map<String, ProcessHandle> processes = new LinkedHashMap<>();
          if (system != null) {
            processes.putAll(system.processes());
          }
          processes.put(DRIVER, ProcessHandle.current());
          Workload signups = new SignupWorkload(channel, settings.deadline(), runId, sequence);
          Warmup protocolWarmup = warmUp(name + " protocol", signups, concurrency, first,
              processes.values());
          ProcessMeter protocolMeter = new ProcessMeter(processes, procFs);
          // Scraped outside the meter's span: a scrape is not a sign-up's cost.
          Map<String, PrometheusText> before = scrape(system);
          Measurement protocol = measure(name + " protocol", signups, concurrency, protocolMeter);
          PerSignupCost protocolCost =
              protocolMeter.perOperation(protocol.succeeded(), processes.keySet());
          Map<String, WriteStats> stepGroupCommit =
              ServiceMetrics.groupCommit(before, scrape(system));
          Measurement localLimit = null;
          PerSignupCost localCost = PerSignupCost.NONE;
          Warmup localWarmup = null;
          if (local != null) {
            ProcessMeter localMeter = new ProcessMeter(Map.of(LOCAL, local.handle()), procFs);
            boolean firstStep = first;
            localWarmup = elsewhere(name + " local warm-up", local::progress,
                () -> local.warmUp(concurrency, firstStep));
            if (first && localWarmup.ending() != Warmup.Ending.NONE) {
              noteWarmup(name + " local", localWarmup);
            }
            localMeter.start();
            localLimit = elsewhere(name + " local", local::progress,
                () -> local.measure(concurrency));
            localCost = localMeter.perOperation(localLimit.succeeded(), List.of(LOCAL));
          }
          first = false;
          BenchResult.Step step = new BenchResult.Step(concurrency, protocol, localLimit,
              protocolCost, localCost, protocolWarmup, localWarmup, stepGroupCommit);
          steps.add(step);
          note("%s: protocol %.1f/s (p99 %.1f ms, %d failed, %d refused)%s", name,
              protocol.throughput(), protocol.latency().p99(), protocol.failed(),
              protocol.refused(), localLimit == null ? ""
                  : String.format(Locale.ROOT, ", local %.1f/s, ratio %.2f",
                      localLimit.throughput(), step.ratio()));
        }
        if (local != null) {
          local.writeStats().ifPresent(w -> groupCommit.put("local-limit", w));
        }
      }
      FloodResult flood = settings.flood() == null ? null
          : floodStep(cost, target, channel, system, steps, runId, sequence);
      // The services' own figures, read before they stop: the heap as the run left it, and
      // group commit over the whole configuration (warm-ups included) beside each step's own.
      Map<String, PrometheusText> last = scrape(system);
      Map<String, HeapUsage> heap = ServiceMetrics.heap(last);
      groupCommit.putAll(ServiceMetrics.groupCommitSinceStart(last));
      Map<String, Long> spans = null;
      String hashedBy = null;
      if (system != null) {
        hashedBy = system.passwordsHashedBy().orElse(null);
        Map<String, ProcessHandle> services = system.processes();
        system.close(); // the services flush their last spans as they stop
        spans = traces == null ? null : inOrder(traces.spansByService(), services.keySet());
      }
      return new BenchResult.Configuration(cost, steps, heap, groupCommit, flood, spans,
          hashedBy);
    } finally {
      if (channel != null) {
        channel.shutdownNow();
      }
      if (traces != null) {
        traces.close();
      }
      if (system != null) {
        system.close();
      }
      if (databases != null) {
        try {
          databases.close();
        } catch (IllegalStateException e) {
          note("%s", e.getMessage());
        }
      }
    }
  }

  /**
   * The flood step, after the sweep on the same system: a closed loop at the flood's
   * concurrency, warmed up as any later step, measured while the flood, the probes and the
   * memory sampler run. With the CPUs split, the same loop is measured first without the flood
   * on the same split, and the CPUs are given back after.
   */
  private FloodResult floodStep(HashCost cost, String target, ManagedChannel channel,
      SelfHostedSystem system, List<BenchResult.Step> steps, String runId, AtomicLong sequence)
      throws InterruptedException {
    FloodSettings flood = settings.flood();
    String name = cost.label() + " c=" + flood.concurrency() + " flood";
    Workload signups = new SignupWorkload(channel, settings.deadline(), runId, sequence);
    Collection<ProcessHandle> services = system == null ? List.of()
        : system.processes().values();
    Optional<CpuSplit> split = flood.splitCpus() && system != null
        ? splitCpus(name, services) : Optional.empty();
    ManagedChannel floodChannel = null;
    FloodResult result;
    try {
      floodChannel = settings.channels().apply(target);
      Measurement baseline;
      if (split.isPresent()) {
        String without = name.replace(" flood", " without the flood");
        warmUp(without, signups, flood.concurrency(), false, List.of());
        baseline = run(without, new ClosedLoop(signups, flood.concurrency(), settings.limit()));
      } else {
        baseline = steps.stream().filter(s -> s.concurrency() == flood.concurrency())
            .map(BenchResult.Step::protocol).findFirst().orElse(null);
      }
      warmUp(name, signups, flood.concurrency(), false, List.of());
      PrometheusText before = scrape(system).get(ORCHESTRATOR);
      try (Flood running = Flood.start(flood, floodChannel,
          new SignupWorkload(channel, settings.deadline(), runId, sequence),
          settings.deadline(), runId, sequence,
          system == null ? Map.of() : system.processes(), procFs)) {
        Measurement loop = run(name, new ClosedLoop(signups, flood.concurrency(),
            settings.limit()));
        Flood.Observed seen = running.stop();
        PrometheusText after = scrape(system).get(ORCHESTRATOR);
        result = new FloodResult(flood, loop, baseline,
            split.map(CpuSplit::describe).orElse(null), seen, before == null || after == null
            ? null : Math.round(after.value(SIGNUPS_STARTED) - before.value(SIGNUPS_STARTED)));
      }
    } finally {
      if (floodChannel != null) {
        floodChannel.shutdownNow();
      }
      if (split.isPresent() && !split.get().undo(services)) {
        note("%s: taskset could not give every process all the CPUs back", name);
      }
    }
    Flood.Observed seen = result.flood();
    note("%s: protocol %.1f/s (%.2f of the step without it), %d flood calls %s, probes %d of "
            + "%d succeeded%s%s", name, result.loop().throughput(), result.goodputOfBaseline(),
        seen.totalCalls(), seen.calls(), seen.probes().succeeded(), seen.probes().made(),
        seen.rssPeakMib().isEmpty() ? "" : ", RSS peak MiB " + seen.rssPeakMib(),
        result.signupsStarted() == null ? ""
            : ", " + result.floodSignupsStartedAtMost() + " sign-ups begun by the flood at most");
    return result;
  }

  /** The services on half the CPUs and this process on the others, where that can be done. */
  private Optional<CpuSplit> splitCpus(String name, Collection<ProcessHandle> services) {
    Optional<CpuSplit> split = CpuSplit.of(procFs);
    if (split.isPresent() && !split.get().apply(services)) {
      split.get().undo(services);
      split = Optional.empty();
    }
    if (split.isPresent()) {
      note("%s: %s", name, split.get().describe());
    } else {
      note("%s: the CPUs cannot be split here (fewer than two, no taskset, or taskset "
          + "refused): the flood shares the services' CPUs", name);
    }
    return split;
  }

  /** {@code counts} with {@code first} (those it has) first, in that order. */
  private static Map<String, Long> inOrder(Map<String, Long> counts, Collection<String> first) {
    Map<String, Long> ordered = new LinkedHashMap<>();
    first.stream().filter(counts::containsKey).forEach(name -> ordered.put(name,
        counts.get(name)));
    ordered.putAll(counts);
    return ordered;
  }

  /** Each self-hosted service's metrics now; empty with a target or with metrics off. */
  private static Map<String, PrometheusText> scrape(SelfHostedSystem system) {
    return system == null ? Map.of() : system.scrape();
  }

  /**
   * The warm-up before a step: before the first step on a system until throughput (and the
   * JIT) settles, bounded by the settings; before any other a fixed {@code --step-warmup}.
   *
   * @param processes whose JIT compilers must have gone quiet: all those doing the work
   */
  private Warmup warmUp(String name, Workload workload, int concurrency, boolean first,
      Collection<ProcessHandle> processes) throws InterruptedException {
    if (!first) {
      if (settings.stepWarmup().isZero()) {
        return Warmup.NONE;
      }
      return Warmup.fixed(run(name + " warm-up", new ClosedLoop(workload, concurrency,
          ClosedLoop.Limit.of(settings.stepWarmup()))).elapsed());
    }
    SettlingRule rule = settings.warmup();
    if (rule.none()) {
      return Warmup.NONE;
    }
    List<Long> pids = processes.stream().map(ProcessHandle::pid).toList();
    SettlingWarmup settling = new SettlingWarmup(rule, () -> procFs.cpuTicks(pids));
    Warmup warmup = settling.result(run(name + " warm-up", settling.loop(workload, concurrency))
        .elapsed());
    noteWarmup(name, warmup);
    return warmup;
  }

  private void noteWarmup(String name, Warmup warmup) {
    SettlingRule rule = settings.warmup();
    note("%s warm-up %s (by window of %.0f s: %s)", name, warmup.describe(),
        Math.min(rule.window().toMillis(), rule.maximum().toMillis()) / 1000.0, warmup.curve());
  }

  /** A step that runs in another process (the local limit's), drawn from its reports. */
  private <T> T elsewhere(String name, Supplier<ProgressBar.Snapshot> progress,
      RemoteStep<T> step) throws InterruptedException {
    if (!progressBar) {
      return step.run();
    }
    try (ProgressBar bar = new ProgressBar(log, name, progress)) {
      return step.run();
    }
  }

  private interface RemoteStep<T> {
    T run() throws InterruptedException;
  }

  /** The measured step, with {@code meter} started right before it. */
  private Measurement measure(String name, Workload workload, int concurrency,
      ProcessMeter meter) throws InterruptedException {
    meter.start();
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
