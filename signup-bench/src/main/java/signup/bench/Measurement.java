package signup.bench;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one step of a benchmark measured: how many operations succeeded in how long, their
 * latency, the failures by kind, and apart from them the refusals.
 *
 * @param errors failures by kind, refusals not included
 * @param latency percentiles of every operation but the refusals, failed ones included (a
 *     timeout is slow too)
 * @param refused calls the system refused at once, asking the caller to come back later
 *     (RESOURCE_EXHAUSTED): overload handled, not a failure of the system
 * @param refusalLatency how quickly the refusals were answered
 * @param refusalLatencyAfterFirst the same, without each caller's first call: a closed loop
 *     starts all its callers at the same instant, and that burst, which no steady state has,
 *     was most of a refusal's p99 at 256 and more in flight
 * @param late operations answered after their deadline (or that failed for it): 0 when the
 *     system never makes a caller wait past its deadline
 */
record Measurement(long succeeded, Map<String, Long> errors, Duration elapsed,
    Latency latency, long refused, Latency refusalLatency, Latency refusalLatencyAfterFirst,
    long late) {

  Measurement {
    errors = Collections.unmodifiableMap(new TreeMap<>(errors));
  }

  /** Without refusals, none late. */
  Measurement(long succeeded, Map<String, Long> errors, Duration elapsed, Latency latency) {
    this(succeeded, errors, elapsed, latency, 0, Latency.NONE, Latency.NONE, 0);
  }

  /** Successful operations per second: with refusals, the goodput. */
  double throughput() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : succeeded / seconds;
  }

  long failed() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Latency percentiles in milliseconds. */
  record Latency(double p50, double p90, double p99, double p999, double max) {
    static final Latency NONE = new Latency(0, 0, 0, 0, 0);

    /** From a histogram of microseconds. */
    static Latency of(Histogram micros) {
      if (micros.getTotalCount() == 0) {
        return NONE;
      }
      return new Latency(millis(micros.getValueAtPercentile(50)),
          millis(micros.getValueAtPercentile(90)), millis(micros.getValueAtPercentile(99)),
          millis(micros.getValueAtPercentile(99.9)), millis(micros.getMaxValue()));
    }

    private static double millis(long micros) {
      return micros / 1000.0;
    }
  }
}
