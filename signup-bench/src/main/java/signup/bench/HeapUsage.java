package signup.bench;

import java.util.Optional;
import signup.common.metrics.PrometheusText;

/**
 * The Java heap of a service process, in MiB, from its {@code /metrics} (Micrometer's JVM
 * memory series, summed over the heap's pools).
 *
 * @param used in use at the end of the run, garbage included
 * @param committed claimed from the operating system
 * @param max the most it may grow to (-Xmx): the pools that state a maximum
 * @param liveAfterGc the old generation right after the last collection that reclaimed it
 *     ({@code jvm_gc_live_data_size_bytes}): what the service really keeps; -1 while no
 *     collection has told
 */
record HeapUsage(long used, long committed, long max, long liveAfterGc) {
  private static final String HEAP = "heap";

  /** From a scrape; empty when it has no JVM memory series. */
  static Optional<HeapUsage> of(PrometheusText metrics) {
    if (!metrics.has("jvm_memory_used_bytes")) {
      return Optional.empty();
    }
    double max = metrics.samples("jvm_memory_max_bytes").entrySet().stream()
        .filter(s -> HEAP.equals(s.getKey().get("area")) && s.getValue() >= 0)
        .mapToDouble(s -> s.getValue()).sum();
    double live = metrics.value("jvm_gc_live_data_size_bytes");
    return Optional.of(new HeapUsage(mib(metrics.value("jvm_memory_used_bytes", "area", HEAP)),
        mib(metrics.value("jvm_memory_committed_bytes", "area", HEAP)), mib(max),
        live > 0 ? mib(live) : -1));
  }

  private static long mib(double bytes) {
    return Math.round(bytes / (1024 * 1024));
  }

  @Override
  public String toString() {
    return used + "/" + committed + "/" + max + " MiB, live " + liveAfterGc;
  }
}
