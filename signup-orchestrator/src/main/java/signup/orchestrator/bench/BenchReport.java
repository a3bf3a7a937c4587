package signup.orchestrator.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A benchmark's result for people (a table) or for scripts (JSON). */
public final class BenchReport {
  private static final List<String> SERVICES =
      List.of("orchestrator", "client-server", "subscription-server");

  private BenchReport() {}

  public static void printText(PrintWriter out, BenchResult result) {
    BenchSettings s = result.settings();
    out.printf(Locale.ROOT, "signup bench: %s, %d cores; each step %s, after a warm-up of %s "
            + "(first step) or %s%n",
        result.system().equals("self-hosted")
            ? "self-hosted (3 service JVMs, " + String.join(" ", result.serviceJvmOptions()) + ")"
            : "target " + result.system(),
        result.cores(), s.duration() != null ? seconds(s.duration().toMillis()) + " s"
            : s.count() + " sign-ups", seconds(s.warmup().toMillis()) + " s",
        seconds(s.stepWarmup().toMillis()) + " s");
    out.println("a sign-up: an Argon2id hash, a client row and a subscription row, durable "
        + "(WAL, synchronous=FULL); the local limit ran in the bench's JVM, max heap "
        + result.localLimitHeapMiB() + " MiB");
    out.println();
    String header = "%-11s %-16s %5s %11s %11s %6s %8s %8s %8s %9s %8s %10s %9s  %s%n";
    out.printf(Locale.ROOT, header, "config", "hash", "conc", "protocol/s", "local/s", "ratio",
        "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "local p99", "cpu ms", "errors");
    for (BenchResult.Configuration c : result.configurations()) {
      for (BenchResult.Step step : c.steps()) {
        Measurement p = step.protocol();
        Measurement l = step.local();
        out.printf(Locale.ROOT,
            "%-11s %-16s %5d %11.1f %11s %6s %8.1f %8.1f %8.1f %9.1f %8.1f %10s %9s  %s%n",
            c.cost().label(), c.cost().describe(), step.concurrency(), p.throughput(),
            l == null ? "-" : String.format(Locale.ROOT, "%.1f", l.throughput()),
            Double.isNaN(step.ratio()) ? "-" : String.format(Locale.ROOT, "%.2f", step.ratio()),
            p.latency().p50(), p.latency().p90(), p.latency().p99(), p.latency().p999(),
            p.latency().max(),
            l == null ? "-" : String.format(Locale.ROOT, "%.1f", l.latency().p99()),
            cpu(step), errors(p, l));
      }
    }
    out.println("(cpu ms: CPU time per sign-up of every process measured, protocol / local "
        + "limit; the ratio's explanation when the cores are the limit)");
    out.println();
    out.println("CPU per sign-up by process, ms");
    for (BenchResult.Configuration c : result.configurations()) {
      for (BenchResult.Step step : c.steps()) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-11s %5d ",
            c.cost().label(), step.concurrency()));
        step.protocolCpu().forEach((name, ms) -> line.append(String.format(Locale.ROOT,
            "  %s %.3f", name, ms)));
        step.localCpu().forEach((name, ms) -> line.append(String.format(Locale.ROOT,
            "  | %s %.3f", name, ms)));
        out.println(line);
      }
    }
    out.println();
    out.println("heap at the end, MiB: used / committed / max (live after a full GC)");
    for (BenchResult.Configuration c : result.configurations()) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-11s", c.cost().label()));
      for (String service : SERVICES) {
        HeapUsage h = c.heap().get(service);
        line.append(String.format(Locale.ROOT, "  %s %s", service, h == null ? "n/a"
            : h.used() + " / " + h.committed() + " / " + h.max() + " (" + h.liveAfterGc() + ")"));
      }
      out.println(line);
    }
    out.println();
    out.println("group commit over the whole run: writes per commit (one fsync each), average "
        + "and largest");
    for (BenchResult.Configuration c : result.configurations()) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-11s", c.cost().label()));
      if (c.groupCommit().isEmpty()) {
        line.append("  n/a");
      }
      c.groupCommit().forEach((name, w) -> line.append(String.format(Locale.ROOT,
          "  %s %.1f (%d)", name, w.writesPerCommit(), w.largestBatch())));
      out.println(line);
    }
    out.flush();
  }

  public static void printJson(PrintWriter out, BenchResult result) {
    out.println(Json.write(toMap(result)));
    out.flush();
  }

  static Map<String, Object> toMap(BenchResult result) {
    BenchSettings s = result.settings();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("system", result.system());
    root.put("service_jvm_options", result.serviceJvmOptions());
    root.put("cores", result.cores());
    root.put("local_limit_max_heap_mib", result.localLimitHeapMiB());
    root.put("duration_s", s.duration() == null ? null : s.duration().toMillis() / 1000.0);
    root.put("count", s.duration() == null ? s.count() : null);
    root.put("warmup_s", s.warmup().toMillis() / 1000.0);
    root.put("step_warmup_s", s.stepWarmup().toMillis() / 1000.0);
    root.put("deadline_s", s.deadline().toMillis() / 1000.0);
    List<Object> configurations = new ArrayList<>();
    for (BenchResult.Configuration c : result.configurations()) {
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("configuration", c.cost().label());
      config.put("password_hash", "argon2id " + c.cost().describe());
      List<Object> steps = new ArrayList<>();
      for (BenchResult.Step step : c.steps()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("concurrency", step.concurrency());
        m.put("protocol", measurement(step.protocol()));
        m.put("local_limit", step.local() == null ? null : measurement(step.local()));
        m.put("ratio", step.ratio());
        m.put("protocol_cpu_ms_per_signup", new LinkedHashMap<String, Object>(step.protocolCpu()));
        m.put("local_cpu_ms_per_signup", new LinkedHashMap<String, Object>(step.localCpu()));
        steps.add(m);
      }
      config.put("steps", steps);
      Map<String, Object> heap = new LinkedHashMap<>();
      for (Map.Entry<String, HeapUsage> e : c.heap().entrySet()) {
        HeapUsage h = e.getValue();
        heap.put(e.getKey(), ordered("used_mib", h.used(), "committed_mib", h.committed(),
            "max_mib", h.max(), "live_after_gc_mib", h.liveAfterGc()));
      }
      config.put("heap", heap);
      Map<String, Object> groupCommit = new LinkedHashMap<>();
      c.groupCommit().forEach((name, w) -> groupCommit.put(name, ordered("writes", w.writes(),
          "commits", w.commits(), "writes_per_commit", w.writesPerCommit(),
          "largest_batch", w.largestBatch())));
      config.put("group_commit", groupCommit);
      configurations.add(config);
    }
    root.put("configurations", configurations);
    root.put("errors", result.anyErrors());
    return root;
  }

  private static Map<String, Object> measurement(Measurement m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("succeeded", m.succeeded());
    out.put("failed", m.failed());
    out.put("elapsed_s", m.elapsed().toNanos() / 1e9);
    out.put("throughput_per_s", m.throughput());
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("p50", m.latency().p50());
    latency.put("p90", m.latency().p90());
    latency.put("p99", m.latency().p99());
    latency.put("p99_9", m.latency().p999());
    latency.put("max", m.latency().max());
    out.put("latency_ms", latency);
    out.put("errors", new LinkedHashMap<String, Object>(m.errors()));
    return out;
  }

  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
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

  private static String cpu(BenchResult.Step step) {
    if (step.protocolCpu().isEmpty()) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2f/%s", step.protocolCpuTotal(),
        step.localCpu().isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f",
            step.localCpuTotal()));
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? String.valueOf(millis / 1000)
        : String.format(Locale.ROOT, "%.1f", millis / 1000.0);
  }
}
