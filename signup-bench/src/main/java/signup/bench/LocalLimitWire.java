package signup.bench;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import signup.common.store.WriteStats;

/**
 * What the bench and the local limit's JVM tell each other, a JSON object a line: the bench
 * writes a {@link Start}, then a {@link Command} per warm-up or measured step, to the child's
 * stdin; the child answers each with a {@link Reply} on its stdout (and sends progress while a
 * step runs). Durations are ISO-8601 strings or nanoseconds, so nothing is rounded on the way.
 */
final class LocalLimitWire {
  /** NaN is a JIT share /proc could not tell: it crosses as NaN, not as an error. */
  static final Gson GSON = new GsonBuilder()
      .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
      .serializeSpecialFloatingPointValues()
      .disableHtmlEscaping()
      .create();

  private LocalLimitWire() {}

  /**
   * How to run, told once. The database is a SQLite file or a PostgreSQL URL and user (the
   * password crosses in the child's environment, never in a line of this protocol).
   *
   * @param duration of each measured step, null when {@code count} applies
   */
  record Start(HashCost cost, String runId, String sqliteFile, String postgresUrl,
      String postgresUser, String minWarmup, String maxWarmup, String stepWarmup,
      String duration, long count) {

    SettlingRule warmup() {
      return SettlingRule.between(Duration.parse(minWarmup), Duration.parse(maxWarmup));
    }

    ClosedLoop.Limit limit() {
      return duration != null ? ClosedLoop.Limit.of(Duration.parse(duration))
          : ClosedLoop.Limit.of(count);
    }
  }

  /** One step at {@code concurrency}. */
  record Command(Step step, int concurrency) {}

  enum Step {
    /** The warm-up before the first step: until settled, within the warm-up rule. */
    FIRST_WARMUP,
    /** The fixed warm-up before any other step. */
    WARMUP,
    MEASURE
  }

  /** One of these is set. */
  record Reply(Ready ready, ProgressBar.Snapshot progress, WarmupRun warmup, Measured measured,
      String error) {
    static Reply ready(long maxHeapMiB) {
      return new Reply(new Ready(maxHeapMiB), null, null, null, null);
    }

    static Reply progress(ProgressBar.Snapshot progress) {
      return new Reply(null, progress, null, null, null);
    }

    static Reply warmup(Warmup warmup) {
      return new Reply(null, null, WarmupRun.of(warmup), null, null);
    }

    static Reply measured(Measurement m, WriteStats writeStats) {
      return new Reply(null, null, null, new Measured(m.succeeded(), m.errors(),
          m.elapsed().toNanos(), m.latency(), writeStats), null);
    }

    static Reply error(String message) {
      return new Reply(null, null, null, null, message);
    }
  }

  /** @param maxHeapMiB the child's most heap, as its JVM options set it */
  record Ready(long maxHeapMiB) {}

  record WarmupRun(long elapsedNanos, Warmup.Ending ending, List<Window> windows) {
    static WarmupRun of(Warmup w) {
      return new WarmupRun(w.elapsed().toNanos(), w.ending(), w.windows().stream()
          .map(x -> new Window(x.end().toNanos(), x.throughput(), x.jitShare())).toList());
    }

    Warmup warmup() {
      return new Warmup(Duration.ofNanos(elapsedNanos), ending, windows.stream()
          .map(x -> new SettlingRule.Window(Duration.ofNanos(x.endNanos()), x.throughput(),
              x.jitShare())).toList());
    }
  }

  record Window(long endNanos, double throughput, double jitShare) {}

  /** @param writeStats how the database grouped its writes so far; null on PostgreSQL */
  record Measured(long succeeded, Map<String, Long> errors, long elapsedNanos,
      Measurement.Latency latency, WriteStats writeStats) {
    Measurement measurement() {
      return new Measurement(succeeded, errors, Duration.ofNanos(elapsedNanos), latency);
    }
  }
}
