package signup.bench;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one step of a benchmark measured: how many operations succeeded in how long, their
 * latency, and the failures by kind.
 *
 * @param latency percentiles of every operation, failed ones included (a timeout is slow too)
 */
record Measurement(long succeeded, Map<String, Long> errors, Duration elapsed,
    Latency latency) {

  Measurement {
    errors = Collections.unmodifiableMap(new TreeMap<>(errors));
  }

  /** Successful operations per second. */
  double throughput() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : succeeded / seconds;
  }

  long failed() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Latency percentiles in milliseconds. */
  record Latency(double p50, double p90, double p99, double p999, double max) {
    /** From a histogram of microseconds. */
    static Latency of(Histogram micros) {
      if (micros.getTotalCount() == 0) {
        return new Latency(0, 0, 0, 0, 0);
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
