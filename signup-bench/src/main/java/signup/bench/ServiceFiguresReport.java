package signup.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import signup.common.store.WriteStats;

/**
 * The part of the text report read from the services themselves: each one's heap and how each
 * database grouped its writes (from their {@code /metrics}), and the spans they exported. Run
 * without metrics, it says those figures are unavailable and why.
 */
final class ServiceFiguresReport {
  private static final List<String> SERVICES =
      List.of("orchestrator", "client-server", "subscription-server");
  /** Its writes are counted exactly; the services' largest batch is a histogram's bucket. */
  private static final String LOCAL_LIMIT = "local-limit";

  private ServiceFiguresReport() {}

  static void print(PrintWriter out, BenchResult result) {
    BenchSettings s = result.settings();
    String unavailable = s.selfHosted() && !s.observability().metrics()
        ? "  unavailable: the services ran without metrics (--observability "
            + s.observability().label() + ")" : null;
    out.println("heap at the end, MiB: used / committed / max (live: the old generation after "
        + "the last collection that reclaimed it, -1 before any), from each service's /metrics");
    for (BenchResult.Configuration c : result.configurations()) {
      StringBuilder line = new StringBuilder(label(c));
      if (unavailable != null) {
        line.append(unavailable);
      } else {
        // Each service by its name, or each replica's ("client-server-2") when there are several.
        List<String> names = c.heap().size() > SERVICES.size()
            ? List.copyOf(c.heap().keySet()) : SERVICES;
        for (String service : names) {
          HeapUsage h = c.heap().get(service);
          line.append(String.format(Locale.ROOT, "  %s %s", service, h == null ? "n/a"
              : h.used() + " / " + h.committed() + " / " + h.max() + " (" + h.liveAfterGc()
                  + ")"));
        }
      }
      out.println(line);
    }
    out.println();
    out.println("group commit over the whole run, warm-ups included: writes per commit (one "
        + "fsync each), average and largest (a service's: at most, by its histogram's buckets)");
    for (BenchResult.Configuration c : result.configurations()) {
      StringBuilder line = new StringBuilder(label(c));
      groupCommit(line, c.groupCommit());
      if (unavailable != null) {
        line.append(unavailable);
      } else if (c.groupCommit().isEmpty()) {
        line.append("  n/a");
      }
      out.println(line);
    }
    if (unavailable == null && s.selfHosted()) {
      out.println("group commit during each measured protocol step (two scrapes)");
      for (BenchResult.Configuration c : result.configurations()) {
        for (BenchResult.Step step : c.steps()) {
          StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-11s %5d",
              c.cost().label(), step.concurrency()));
          groupCommit(line, step.protocolGroupCommit());
          out.println(step.protocolGroupCommit().isEmpty() ? line + "  n/a" : line);
        }
      }
    }
    if (s.selfHosted() && s.observability().tracing()) {
      out.println();
      out.println("spans the services exported over the whole run (received by the bench's "
          + "OTLP sink)");
      for (BenchResult.Configuration c : result.configurations()) {
        StringBuilder line = new StringBuilder(label(c));
        counts(line, c.spans() == null ? Map.of() : c.spans(), n -> String.format(Locale.ROOT,
            "%,d", n));
        out.println(line);
      }
    }
    out.println();
  }

  private static String label(BenchResult.Configuration c) {
    return String.format(Locale.ROOT, "%-11s", c.cost().label());
  }

  private static void groupCommit(StringBuilder line, Map<String, WriteStats> stats) {
    stats.forEach((name, w) -> line.append(String.format(Locale.ROOT, "  %s %.1f (%s%d)", name,
        w.writesPerCommit(), name.equals(LOCAL_LIMIT) ? "" : "<=", w.largestBatch())));
  }

  private static <T> void counts(StringBuilder line, Map<String, T> counts,
      Function<T, String> format) {
    if (counts.isEmpty()) {
      line.append("  none");
    }
    counts.forEach((name, n) -> line.append("  ").append(name).append(' ')
        .append(format.apply(n)));
  }
}
