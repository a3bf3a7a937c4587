package signup.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The part of the text report about overload: each step's goodput against the peak of its
 * configuration, the refusals and how fast they came, the calls answered after their deadline,
 * and the flood step.
 */
final class OverloadReport {
  /** The most a refusal may take at p99 (issue 16): refusing must stay cheap. */
  static final double REFUSAL_P99_TARGET_MS = 10;

  private OverloadReport() {}

  static void print(PrintWriter out, BenchResult result) {
    out.printf(Locale.ROOT, "overload: goodput against the peak of its configuration; refusals "
        + "(RESOURCE_EXHAUSTED: the caller waits as its RetryInfo asks, then makes its next "
        + "call), their p99 (target < %.0f ms), and without each caller's first call (the "
        + "burst every step starts with); calls answered after their deadline (target 0)%n",
        REFUSAL_P99_TARGET_MS);
    String row = "%-11s %5s %11s %8s %8s %15s %19s %6s%n";
    out.printf(Locale.ROOT, row, "config", "conc", "goodput/s", "of peak", "refused",
        "refusal p99 ms", "after first p99 ms", "late");
    for (BenchResult.Configuration c : result.configurations()) {
      for (BenchResult.Step step : c.steps()) {
        Measurement p = step.protocol();
        out.printf(Locale.ROOT, row, c.cost().label(), step.concurrency(),
            String.format(Locale.ROOT, "%.1f", p.throughput()), ratio(c.goodputOfPeak(step)),
            p.refused(), p.refused() == 0 ? "-"
                : String.format(Locale.ROOT, "%.1f", p.refusalLatency().p99()),
            p.refused() == 0 ? "-"
                : String.format(Locale.ROOT, "%.1f", p.refusalLatencyAfterFirst().p99()),
            p.late());
      }
    }
    out.println();
    for (BenchResult.Configuration c : result.configurations()) {
      if (c.flood() != null) {
        printFlood(out, c.cost().label(), c.flood());
      }
    }
  }

  private static void printFlood(PrintWriter out, String label, FloodResult r) {
    FloodSettings s = r.settings();
    Flood.Observed seen = r.flood();
    Flood.Probes probes = seen.probes();
    Measurement loop = r.loop();
    out.printf(Locale.ROOT, "flood (%s): %d threads of Signup calls with a %s ms deadline "
            + "beside the closed loop of %d%n", label, s.threads(),
        decimal(s.callDeadline().toNanos() / 1e6), s.concurrency());
    out.printf(Locale.ROOT, "  %s%n", r.cpus() == null
        ? "on the services' CPUs: the flood's client takes some of them"
        : r.cpus() + ", with and without the flood");
    out.printf(Locale.ROOT, "  goodput %.1f/s during the flood, %s/s without it: %s; "
            + "p99 %.1f ms, errors %s, refused %d, late %d%n", loop.throughput(),
        r.baseline() == null ? "-" : String.format(Locale.ROOT, "%.1f", r.baseline().throughput()),
        ratio(r.goodputOfBaseline()), loop.latency().p99(), errors(loop.errors()),
        loop.refused(), loop.late());
    out.printf(Locale.ROOT, "  flood calls: %,d in %.1f s (%s)%n", seen.totalCalls(),
        seen.elapsed().toMillis() / 1000.0, counts(seen.calls()));
    out.printf(Locale.ROOT, "  normal sign-ups started every %.1f s during the flood: %d of %d "
            + "succeeded%s, the slowest in %.1f ms%n", Flood.PROBE_PERIOD.toMillis() / 1000.0, probes.succeeded(), probes.made(),
        probes.failures().isEmpty() ? "" : " (" + counts(probes.failures()) + ")",
        probes.maxLatencyMs());
    if (r.signupsStarted() != null) {
      out.printf(Locale.ROOT, "  sign-ups the orchestrator began during the step: %,d; by the "
          + "flood's calls: %,d at most%n", r.signupsStarted(), r.floodSignupsStartedAtMost());
    }
    if (!seen.rssPeakMib().isEmpty()) {
      List<String> rss = new ArrayList<>();
      seen.rssPeakMib().forEach((service, peak) -> rss.add(service + " "
          + seen.rssAtStartMib().getOrDefault(service, -1L) + " -> " + peak));
      out.println("  resident memory, MiB, at the start -> at most: " + String.join(", ", rss));
    }
    out.println();
  }

  private static String ratio(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static String decimal(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value)
        : String.format(Locale.ROOT, "%.1f", value);
  }

  private static String errors(Map<String, Long> errors) {
    return errors.isEmpty() ? "0" : counts(errors);
  }

  /** "DEADLINE_EXCEEDED 27,000, OK 3" */
  private static String counts(Map<String, Long> counts) {
    List<String> parts = new ArrayList<>();
    counts.forEach((what, n) -> parts.add(String.format(Locale.ROOT, "%s %,d", what, n)));
    return String.join(", ", parts);
  }
}
