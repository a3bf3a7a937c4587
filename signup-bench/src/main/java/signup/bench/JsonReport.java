package signup.bench;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.annotations.SerializedName;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import signup.common.store.WriteStats;

/**
 * The {@code --json} report: its schema as records, written by Gson. Names are the records'
 * components in snake_case; an absent value is a null, never a missing key; every fractional
 * number is rounded to 3 decimals without trailing zeros, and NaN (a ratio without a local
 * limit, an unknown JIT share) is a null, since JSON has no NaN.
 */
final class JsonReport {
  private static final Gson GSON = new GsonBuilder()
      .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
      .serializeNulls()
      // JVM options hold '=' ("-XX:StartFlightRecording=..."): not HTML, so no \u003d.
      .disableHtmlEscaping()
      .setPrettyPrinting()
      .registerTypeAdapter(Double.class, new RoundedDouble())
      .registerTypeAdapter(double.class, new RoundedDouble())
      .create();

  private JsonReport() {}

  static String write(BenchResult result) {
    return GSON.toJson(Report.of(result));
  }

  /**
   * @param store "sqlite" or "postgresql": the services' and the local limit's (with a target,
   *     the local limit's alone)
   * @param database where, for a person, never with a password
   * @param replicas of each self-hosted service; null with a target
   * @param command how the bench was run; null when not known
   * @param observability the self-hosted services': off, metrics, tracing or metrics+tracing;
   *     null with a target. Without metrics, heap and the services' group commit are empty
   */
  record Report(String system, String store, String database, Integer replicas,
      List<String> serviceJvmOptions, int cores,
      long localLimitMaxHeapMib, Double durationS, Long count, WarmupRule warmup,
      double stepWarmupS, double deadlineS, List<Configuration> configurations,
      boolean errors, String command, String observability) {
    static Report of(BenchResult result) {
      BenchSettings s = result.settings();
      SettlingRule rule = s.warmup();
      return new Report(result.system(), s.store().kind(), s.store().describe(),
          s.selfHosted() ? s.replicas() : null, result.serviceJvmOptions(), result.cores(),
          result.localLimitHeapMiB(), s.duration() == null ? null : seconds(s.duration()),
          s.duration() == null ? s.count() : null,
          new WarmupRule(seconds(rule.minimum()), seconds(rule.maximum()),
              seconds(rule.window()), rule.tolerance(), rule.jitShareLimit()),
          seconds(s.stepWarmup()), seconds(s.deadline()),
          result.configurations().stream().map(c -> Configuration.of(c, s)).toList(),
          result.anyErrors(), s.command(),
          s.selfHosted() ? s.observability().label() : null);
    }
  }

  record WarmupRule(double minS, double maxS, double windowS, double tolerance,
      double jitCpuShareLimit) {}

  /**
   * @param heap each service's, from its /metrics at the end of the run
   * @param groupCommit over the whole configuration, warm-ups included: each service's from
   *     its /metrics, and the local limit's
   * @param flood the flood step; null when none ran
   * @param spansExported by service, as the bench's OTLP sink received them; null without
   *     tracing
   */
  record Configuration(String configuration, String passwordHash, String hashedBy,
      List<Step> steps,
      Map<String, Heap> heap, Map<String, GroupCommit> groupCommit, FloodStep flood,
      Map<String, Long> spansExported) {
    static Configuration of(BenchResult.Configuration c, BenchSettings s) {
      Map<String, Heap> heap = new LinkedHashMap<>();
      c.heap().forEach((name, h) -> heap.put(name,
          new Heap(h.used(), h.committed(), h.max(), h.liveAfterGc())));
      return new Configuration(c.cost().label(),
          "argon2id " + s.localLimitParts().describe(c.cost()), c.hashedBy(),
          c.steps().stream().map(step -> Step.of(step, c.goodputOfPeak(step))).toList(), heap,
          GroupCommit.of(c.groupCommit()), c.flood() == null ? null : FloodStep.of(c.flood()),
          c.spans());
    }
  }

  /**
   * @param goodputOfPeak the protocol's goodput over the highest of its configuration
   * @param protocolGroupCommit each service's during the protocol step alone (two scrapes of
   *     its /metrics); empty when unknown
   */
  record Step(int concurrency, Measured protocol, Measured localLimit, double ratio,
      Map<String, Double> protocolCpuMsPerSignup, Map<String, Double> localCpuMsPerSignup,
      Map<String, Double> protocolContextSwitchesPerSignup,
      Map<String, Double> localContextSwitchesPerSignup, WarmupRun protocolWarmup,
      WarmupRun localWarmup, double goodputOfPeak,
      Map<String, GroupCommit> protocolGroupCommit) {
    static Step of(BenchResult.Step step, double goodputOfPeak) {
      return new Step(step.concurrency(), Measured.of(step.protocol()),
          step.local() == null ? null : Measured.of(step.local()), step.ratio(),
          step.protocolCost().cpuMillis(), step.localCost().cpuMillis(),
          step.protocolCost().contextSwitches(), step.localCost().contextSwitches(),
          WarmupRun.of(step.protocolWarmup()),
          step.localWarmup() == null ? null : WarmupRun.of(step.localWarmup()), goodputOfPeak,
          GroupCommit.of(step.protocolGroupCommit()));
    }
  }

  /**
   * @param latencyMs of every call but the refusals
   * @param refused calls refused at once (RESOURCE_EXHAUSTED), not in {@code failed}
   * @param refusalLatencyMs how quickly they were refused
   * @param refusalLatencyAfterFirstMs the same without each caller's first call (the burst
   *     every step starts with)
   * @param answeredAfterDeadline calls answered after their deadline, DEADLINE_EXCEEDED included
   */
  record Measured(long succeeded, long failed, double elapsedS, double throughputPerS,
      Latency latencyMs, Map<String, Long> errors, long refused, Latency refusalLatencyMs,
      Latency refusalLatencyAfterFirstMs, long answeredAfterDeadline) {
    static Measured of(Measurement m) {
      return new Measured(m.succeeded(), m.failed(), m.elapsed().toNanos() / 1e9,
          m.throughput(), Latency.of(m.latency()), m.errors(), m.refused(),
          Latency.of(m.refusalLatency()), Latency.of(m.refusalLatencyAfterFirst()), m.late());
    }
  }

  record Latency(double p50, double p90, double p99, @SerializedName("p99_9") double p999,
      double max) {
    static Latency of(Measurement.Latency l) {
      return new Latency(l.p50(), l.p90(), l.p99(), l.p999(), l.max());
    }
  }

  /**
   * @param protocol the closed loop during the flood
   * @param baselineThroughputPerS the same loop without the flood (on the same CPU split, or
   *     the sweep's step at the same concurrency); null without one
   * @param goodputOfBaseline the first over the second
   * @param cpus which CPUs ran the services and which the bench; null when they shared all
   * @param floodCalls by outcome (OK or a status code)
   * @param probes normal sign-ups made one after the other during the flood
   * @param rssAtStartMib each self-hosted service's resident memory as the flood began
   * @param rssPeakMib the most of each during the flood (sampled every 100 ms)
   * @param signupsStarted sign-ups the orchestrator began during the step (its metrics);
   *     null without them
   * @param floodSignupsStartedAtMost of those, at most how many the flood's calls began
   */
  record FloodStep(int concurrency, int floodThreads, double floodCallDeadlineMs, Measured protocol,
      Double baselineThroughputPerS, double goodputOfBaseline, String cpus, long floodCallsTotal,
      Map<String, Long> floodCalls, double floodElapsedS, Probes probes,
      Map<String, Long> rssAtStartMib, Map<String, Long> rssPeakMib, Long signupsStarted,
      Long floodSignupsStartedAtMost) {
    static FloodStep of(FloodResult r) {
      Flood.Observed seen = r.flood();
      Flood.Probes p = seen.probes();
      return new FloodStep(r.settings().concurrency(), r.settings().threads(),
          r.settings().callDeadline().toNanos() / 1e6, Measured.of(r.loop()),
          r.baseline() == null ? null : r.baseline().throughput(), r.goodputOfBaseline(),
          r.cpus(), seen.totalCalls(), seen.calls(), seen.elapsed().toNanos() / 1e9,
          new Probes(p.made(), p.succeeded(), p.failures(), p.maxLatencyMs()),
          seen.rssAtStartMib(), seen.rssPeakMib(), r.signupsStarted(),
          r.floodSignupsStartedAtMost());
    }
  }

  record Probes(long made, long succeeded, Map<String, Long> failures, double maxLatencyMs) {}

  record Heap(long usedMib, long committedMib, long maxMib, long liveAfterGcMib) {}

  /**
   * @param largestBatch the local limit's exactly; a service's is the smallest bucket of its
   *     histogram (1, 2, 4 ... 256) that holds every commit counted: an upper bound
   */
  record GroupCommit(long writes, long commits, double writesPerCommit, int largestBatch) {
    static Map<String, GroupCommit> of(Map<String, WriteStats> stats) {
      Map<String, GroupCommit> groupCommit = new LinkedHashMap<>();
      stats.forEach((name, w) -> groupCommit.put(name,
          new GroupCommit(w.writes(), w.commits(), w.writesPerCommit(), w.largestBatch())));
      return groupCommit;
    }
  }

  record WarmupRun(double elapsedS, String ended, List<Window> windows) {
    static WarmupRun of(Warmup w) {
      return new WarmupRun(seconds(w.elapsed()), w.ending().name().toLowerCase(Locale.ROOT),
          w.windows().stream().map(window -> new Window(seconds(window.end()),
              window.throughput(), window.jitShare())).toList());
    }
  }

  record Window(double endS, double throughputPerS, double jitCpuShare) {}

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  /**
   * 3 decimals, as {@code %.3f} rounds (half up, on the double's shortest decimal form), then
   * without trailing zeros: 45.0 is 45, 0.0041 is 0.004. NaN and infinities are null.
   */
  private static final class RoundedDouble extends TypeAdapter<Double> {
    @Override
    public void write(JsonWriter out, Double value) throws IOException {
      if (value == null || value.isNaN() || value.isInfinite()) {
        out.nullValue();
        return;
      }
      out.jsonValue(BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP)
          .stripTrailingZeros().toPlainString());
    }

    @Override
    public Double read(JsonReader in) {
      throw new UnsupportedOperationException("the report is written, never read");
    }
  }
}
