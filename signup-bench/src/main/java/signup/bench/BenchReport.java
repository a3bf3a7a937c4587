package signup.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** A benchmark's result for people (a table) or for scripts (JSON). */
public final class BenchReport {
  private BenchReport() {}

  public static void printText(PrintWriter out, BenchResult result) {
    BenchSettings s = result.settings();
    out.printf(Locale.ROOT, "signup bench: %s, %d cores; each step %s, after a warm-up %s "
            + "(first step) or of %s%n",
        result.system().equals("self-hosted")
            ? "self-hosted (" + 3 * s.replicas() + " service JVMs"
                + (s.replicas() > 1 ? ", " + s.replicas() + " replicas of each service" : "")
                + ", " + String.join(" ", result.serviceJvmOptions()) + ")"
            : "target " + result.system(),
        result.cores(), s.duration() != null ? seconds(s.duration().toMillis()) + " s"
            : s.count() + " sign-ups", firstWarmup(s.warmup()),
        seconds(s.stepWarmup().toMillis()) + " s");
    if (s.command() != null) {
      out.println("command: " + s.command());
    }
    out.println("a sign-up: an Argon2id hash, a client row and a subscription row, durable; "
        + (result.system().equals("self-hosted") ? "store: " : "the local limit's store: ")
        + s.store().describe());
    if (s.localLimit()) {
      out.println("the local limit: in a JVM of its own with the services' options ("
          + String.join(" ", s.serviceJvmOptions()) + ", max heap " + result.localLimitHeapMiB()
          + " MiB), on the same store");
    }
    if (s.selfHosted()) {
      out.println("the services ran with " + switch (s.observability()) {
        case OFF -> "neither metrics nor traces";
        case METRICS -> "metrics, without traces";
        case TRACING -> "traces, every span exported over OTLP, without metrics";
        case METRICS_AND_TRACING -> "metrics and traces, every span exported over OTLP";
      } + " (--observability " + s.observability().label() + ")");
    }
    out.println();
    String header = "%-11s %-16s %5s %11s %11s %6s %8s %8s %8s %9s %8s %10s %11s %11s  %s%n";
    out.printf(Locale.ROOT, header, "config", "hash", "conc", "protocol/s", "local/s", "ratio",
        "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "local p99", "cpu ms", "switches",
        "errors");
    for (BenchResult.Configuration c : result.configurations()) {
      for (BenchResult.Step step : c.steps()) {
        Measurement p = step.protocol();
        Measurement l = step.local();
        out.printf(Locale.ROOT,
            "%-11s %-16s %5d %11.1f %11s %6s %8.1f %8.1f %8.1f %9.1f %8.1f %10s %11s %11s  %s%n",
            c.cost().label(), s.localLimitParts().describe(c.cost()), step.concurrency(),
            p.throughput(),
            l == null ? "-" : String.format(Locale.ROOT, "%.1f", l.throughput()),
            Double.isNaN(step.ratio()) ? "-" : String.format(Locale.ROOT, "%.2f", step.ratio()),
            p.latency().p50(), p.latency().p90(), p.latency().p99(), p.latency().p999(),
            p.latency().max(),
            l == null ? "-" : String.format(Locale.ROOT, "%.1f", l.latency().p99()),
            perSignup(step, PerSignupCost::cpuMillis, PerSignupCost::cpuMillisTotal),
            perSignup(step, PerSignupCost::contextSwitches, PerSignupCost::contextSwitchesTotal),
            errors(p, l));
      }
    }
    out.println("(cpu ms, switches: CPU time and context switches per sign-up of every process "
        + "measured, protocol / local limit; the ratio's explanation when the cores are the "
        + "limit)");
    out.println();
    OverloadReport.print(out, result);
    byProcess(out, result, "CPU per sign-up by process, ms", PerSignupCost::cpuMillis, "%.3f");
    byProcess(out, result, "context switches per sign-up by process (all threads)",
        PerSignupCost::contextSwitches, "%.1f");
    if (result.configurations().stream().anyMatch(c -> c.hashedBy() != null)) {
      out.println("password hashes computed by (client-server's log; the local limit's JVM "
          + "picks the same way)");
      for (BenchResult.Configuration c : result.configurations()) {
        out.printf(Locale.ROOT, "%-11s   %s%n", c.cost().label(),
            c.hashedBy() == null ? "-" : c.hashedBy());
      }
      out.println();
    }
    out.println("warm-up before the first step: how long, and why it ended");
    for (BenchResult.Configuration c : result.configurations()) {
      BenchResult.Step first = c.steps().get(0);
      out.printf(Locale.ROOT, "%-11s   protocol %s%s%n", c.cost().label(),
          first.protocolWarmup().describe(), first.localWarmup() == null ? ""
              : " | local limit " + first.localWarmup().describe());
    }
    out.println();
    ServiceFiguresReport.print(out, result);
    out.flush();
  }

  public static void printJson(PrintWriter out, BenchResult result) {
    out.println(JsonReport.write(result));
    out.flush();
  }

  private static String errors(Measurement protocol, Measurement local) {
    if (protocol.failed() == 0 && (local == null || local.failed() == 0)) {
      return "0";
    }
    List<String> parts = new ArrayList<>();
    protocol.errors().forEach((code, n) -> parts.add(code + " " + n));
    if (local != null) {
      local.errors().forEach((code, n) -> parts.add("local " + code + " " + n));
    }
    return String.join(", ", parts);
  }

  /** "12.3/4.5": protocol / local limit, all processes together; "-" when not measured. */
  private static String perSignup(BenchResult.Step step,
      Function<PerSignupCost, Map<String, Double>> byProcess,
      ToDoubleFunction<PerSignupCost> total) {
    if (byProcess.apply(step.protocolCost()).isEmpty()) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2f/%s", total.applyAsDouble(step.protocolCost()),
        byProcess.apply(step.localCost()).isEmpty() ? "-"
            : String.format(Locale.ROOT, "%.2f", total.applyAsDouble(step.localCost())));
  }

  private static void byProcess(PrintWriter out, BenchResult result, String title,
      Function<PerSignupCost, Map<String, Double>> cost, String format) {
    out.println(title);
    for (BenchResult.Configuration c : result.configurations()) {
      for (BenchResult.Step step : c.steps()) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-11s %5d ",
            c.cost().label(), step.concurrency()));
        cost.apply(step.protocolCost()).forEach((name, value) -> line.append(
            String.format(Locale.ROOT, "  %s " + format, name, value)));
        cost.apply(step.localCost()).forEach((name, value) -> line.append(
            String.format(Locale.ROOT, "  | %s " + format, name, value)));
        out.println(line);
      }
    }
    out.println();
  }

  /** "until steady, 15 to 90 s" */
  private static String firstWarmup(SettlingRule rule) {
    if (rule.none()) {
      return "of 0 s";
    }
    if (rule.minimum().equals(rule.maximum())) {
      return "of " + seconds(rule.maximum().toMillis()) + " s";
    }
    return "until steady, " + seconds(rule.minimum().toMillis()) + " to "
        + seconds(rule.maximum().toMillis()) + " s";
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? String.valueOf(millis / 1000)
        : String.format(Locale.ROOT, "%.1f", millis / 1000.0);
  }
}
