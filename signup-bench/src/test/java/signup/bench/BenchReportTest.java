package signup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

class BenchReportTest {
  private static Measurement measured(long succeeded) {
    return new Measurement(succeeded, Map.of(), Duration.ofSeconds(10),
        new Measurement.Latency(1, 2, 3, 4, 5));
  }

  /** One self-hosted step whose protocol warmed up until settled and the local limit to 90 s. */
  private static BenchResult result() {
    Map<String, Double> protocolCpu = new LinkedHashMap<>();
    protocolCpu.put("orchestrator", 0.5);
    protocolCpu.put("bench driver", 0.25);
    Map<String, Double> protocolSwitches = new LinkedHashMap<>();
    protocolSwitches.put("orchestrator", 21.5);
    protocolSwitches.put("bench driver", 12.25);
    Warmup settled = new Warmup(Duration.ofSeconds(45), Warmup.Ending.SETTLED, List.of(
        new SettlingRule.Window(Duration.ofSeconds(40), 1210, 0.3),
        new SettlingRule.Window(Duration.ofSeconds(45), 1230, 0.004)));
    Warmup maximum = new Warmup(Duration.ofSeconds(90), Warmup.Ending.MAXIMUM, List.of(
        new SettlingRule.Window(Duration.ofSeconds(90), 3000, Double.NaN)));
    BenchResult.Step step = new BenchResult.Step(64, measured(12_300), measured(30_000),
        new PerSignupCost(protocolCpu, protocolSwitches),
        new PerSignupCost(Map.of("local limit", 0.2), Map.of("local limit", 3.0)), settled,
        maximum);
    BenchSettings settings = new BenchSettings(null, List.of(HashCost.MINIMUM), List.of(64),
        Duration.ofSeconds(10), 0, Duration.ofSeconds(15), Duration.ofSeconds(90),
        Duration.ofSeconds(3), Duration.ofSeconds(10), true, List.of("-Xmx256m"), null,
        Path.of("unused"), target -> null, new ReportOnlyParts(),
        "unused.Main");
    return new BenchResult("self-hosted", List.of("-Xmx256m"), 2, 256, settings, List.of(
        new BenchResult.Configuration(HashCost.MINIMUM, List.of(step), Map.of(), Map.of())));
  }

  private static String print(BiConsumer<PrintWriter, BenchResult> report) {
    StringWriter out = new StringWriter();
    report.accept(new PrintWriter(out), result());
    return out.toString();
  }

  @Test
  void theJsonHasContextSwitchesByProcessAndEachWarmupAsItHappened() {
    String json = print(BenchReport::printJson);

    for (String expected : new String[] {
        "\"protocol_context_switches_per_signup\": {\"orchestrator\": 21.5, "
            + "\"bench driver\": 12.25}",
        "\"local_context_switches_per_signup\": {\"local limit\": 3}",
        "\"protocol_warmup\": {\"elapsed_s\": 45, \"ended\": \"settled\"",
        "\"local_warmup\": {\"elapsed_s\": 90, \"ended\": \"maximum\"",
        "\"throughput_per_s\": 1230", "\"jit_cpu_share\": 0.004", "\"jit_cpu_share\": null",
        "\"min_s\": 15", "\"max_s\": 90", "\"window_s\": 5", "\"tolerance\": 0.1"}) {
      assertTrue(withoutWhitespace(json).contains(withoutWhitespace(expected)),
          expected + " missing from " + json);
    }
  }

  @Test
  void theJsonSaysNullForWhatWasNotMeasuredAndKeepsJvmOptionsAsTyped() {
    String option = "-XX:StartFlightRecording=settings=profile";
    BenchSettings byCount = new BenchSettings(null, List.of(HashCost.MINIMUM), List.of(1),
        null, 77, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(3), false,
        List.of(option), null, Path.of("unused"), target -> null, new ReportOnlyParts(),
        "unused.Main");
    Measurement measured = new Measurement(77, Map.of(), Duration.ofSeconds(10),
        new Measurement.Latency(1.23456, 2, 3, 4, 5));
    BenchResult.Step protocolOnly = new BenchResult.Step(1, measured, null,
        PerSignupCost.NONE, PerSignupCost.NONE, Warmup.NONE, null);
    BenchResult result = new BenchResult("self-hosted", List.of(option), 2, 256, byCount,
        List.of(new BenchResult.Configuration(HashCost.MINIMUM, List.of(protocolOnly), Map.of(),
            Map.of())));
    StringWriter out = new StringWriter();

    BenchReport.printJson(new PrintWriter(out), result);

    assertTrue(out.toString().contains(option), "escaped: " + out);
    JsonObject json = JsonParser.parseString(out.toString()).getAsJsonObject();
    assertEquals(77, json.get("count").getAsLong());
    assertEquals(JsonNull.INSTANCE, json.get("duration_s"), out.toString());
    JsonObject step = json.getAsJsonArray("configurations").get(0).getAsJsonObject()
        .getAsJsonArray("steps").get(0).getAsJsonObject();
    assertEquals(JsonNull.INSTANCE, step.get("local_limit"), out.toString());
    assertEquals(JsonNull.INSTANCE, step.get("ratio"), "NaN is not JSON: " + out);
    assertEquals(JsonNull.INSTANCE, step.get("local_warmup"), out.toString());
    assertEquals("1.235", step.getAsJsonObject("protocol").getAsJsonObject("latency_ms")
        .get("p50").toString(), "3 decimals");
  }

  private static String withoutWhitespace(String text) {
    return text.replaceAll("\\s+", "");
  }

  @Test
  void theTableShowsContextSwitchesBesideCpuAndWhyEachWarmupEnded() {
    String text = print(BenchReport::printText);

    assertTrue(text.contains("after a warm-up until steady, 15 to 90 s (first step) or of 3 s"),
        text);
    assertTrue(text.contains("33.75/3.00"), "switches, protocol / local: " + text);
    assertTrue(text.contains("context switches per sign-up by process (all threads)\n"
        + "minimum        64   orchestrator 21.5  bench driver 12.3  | local limit 3.0"), text);
    assertTrue(text.contains("protocol settled after 45 s: 1,210/s then 1,230/s, JIT 0.4% of "
        + "CPU | local limit reached the maximum after 90 s: 3,000/s"), text);
  }

  /** A sweep whose second step was overloaded, and a flood step beside the first. */
  private static BenchResult overloaded() {
    Measurement peak = new Measurement(20_000, Map.of(), Duration.ofSeconds(10),
        new Measurement.Latency(1, 2, 3, 4, 5));
    Measurement refusing = new Measurement(19_000, Map.of(), Duration.ofSeconds(10),
        new Measurement.Latency(10, 20, 30, 40, 50), 4_321,
        new Measurement.Latency(0.5, 1, 2.25, 3, 4), new Measurement.Latency(0.5, 1, 1.75, 2, 3),
        0);
    List<BenchResult.Step> steps = List.of(
        new BenchResult.Step(64, peak, null, PerSignupCost.NONE, PerSignupCost.NONE,
            Warmup.NONE, null),
        new BenchResult.Step(1024, refusing, null, PerSignupCost.NONE, PerSignupCost.NONE,
            Warmup.NONE, null));
    Measurement duringFlood = new Measurement(18_000, Map.of(), Duration.ofSeconds(10),
        new Measurement.Latency(1, 2, 3, 4, 5));
    Map<String, Long> calls = new LinkedHashMap<>();
    calls.put("DEADLINE_EXCEEDED", 27_000L);
    calls.put("OK", 3L);
    Flood.Observed seen = new Flood.Observed(calls, Duration.ofSeconds(10),
        new Flood.Probes(18, 18, Map.of(), 45.25), Map.of("orchestrator", 150L),
        Map.of("orchestrator", 266L));
    FloodResult flood = new FloodResult(FloodSettings.at(64), duringFlood, peak,
        "services on CPU 0, the bench and its flood on CPU 1", seen, 18_030L);
    BenchSettings settings = new BenchSettings(null, List.of(HashCost.MINIMUM),
        List.of(64, 1024), Duration.ofSeconds(10), 0, Duration.ZERO, Duration.ZERO,
        Duration.ZERO, Duration.ofSeconds(10), false, List.of("-Xmx256m"), null,
        Path.of("unused"), target -> null, new ReportOnlyParts(), "unused.Main",
        BenchStore.SQLITE, 1, FloodSettings.at(64), "signup bench --self-hosted --flood 64", 0,
        Observability.METRICS);
    return new BenchResult("self-hosted", List.of("-Xmx256m"), 2, 256, settings, List.of(
        new BenchResult.Configuration(HashCost.MINIMUM, steps, Map.of(), Map.of(), flood,
            null, "native (libsodium)")));
  }

  @Test
  void theTableSaysTheCommandAndGivesGoodputOfThePeakRefusalsAndTheFloodApartFromErrors() {
    StringWriter out = new StringWriter();

    BenchReport.printText(new PrintWriter(out), overloaded());

    String text = out.toString();
    assertTrue(text.contains("\ncommand: signup bench --self-hosted --flood 64\n"), text);
    assertTrue(text.contains(
        "minimum      1024      1900.0     0.95     4321             2.3                 1.8      0\n"),
        text);
    assertTrue(text.contains("goodput 1800.0/s during the flood, 2000.0/s without it: 0.90"),
        text);
    assertTrue(text.contains(
        "services on CPU 0, the bench and its flood on CPU 1, with and without the flood"), text);
    assertTrue(text.contains("flood calls: 27,003 in 10.0 s (DEADLINE_EXCEEDED 27,000, OK 3)"),
        text);
    assertTrue(text.contains("18 of 18 succeeded, the slowest in 45.3 ms"), text);
    assertTrue(text.contains("orchestrator 150 -> 266"), text);
    assertTrue(text.contains("began during the step: 18,030; by the flood's calls: 12 at most"),
        text);
    assertTrue(text.contains("password hashes computed by (client-server's log; the local "
        + "limit's JVM picks the same way)\nminimum       native (libsodium)\n"), text);
    assertEquals(false, overloaded().anyErrors(), "refusals are not errors");
  }

  @Test
  void theJsonHasTypedOverloadAndFloodRecords() {
    StringWriter out = new StringWriter();

    BenchReport.printJson(new PrintWriter(out), overloaded());

    JsonObject json = JsonParser.parseString(out.toString()).getAsJsonObject();
    assertEquals("signup bench --self-hosted --flood 64", json.get("command").getAsString());
    JsonObject minimum = json.getAsJsonArray("configurations").get(0).getAsJsonObject();
    JsonObject step = minimum.getAsJsonArray("steps").get(1).getAsJsonObject();
    assertEquals(0.95, step.get("goodput_of_peak").getAsDouble());
    JsonObject protocol = step.getAsJsonObject("protocol");
    assertEquals(4321, protocol.get("refused").getAsLong());
    assertEquals(0, protocol.get("failed").getAsLong());
    assertEquals(2.25, protocol.getAsJsonObject("refusal_latency_ms").get("p99").getAsDouble());
    assertEquals(1.75, protocol.getAsJsonObject("refusal_latency_after_first_ms").get("p99")
        .getAsDouble());
    assertEquals(0, protocol.get("answered_after_deadline").getAsLong());
    JsonObject flood = minimum.getAsJsonObject("flood");
    assertEquals(0.9, flood.get("goodput_of_baseline").getAsDouble());
    assertEquals("services on CPU 0, the bench and its flood on CPU 1",
        flood.get("cpus").getAsString());
    assertEquals(2000, flood.get("baseline_throughput_per_s").getAsDouble());
    assertEquals(27_003, flood.get("flood_calls_total").getAsLong());
    assertEquals(27_000, flood.getAsJsonObject("flood_calls").get("DEADLINE_EXCEEDED")
        .getAsLong());
    assertEquals(1, flood.get("flood_call_deadline_ms").getAsDouble());
    assertEquals(18, flood.getAsJsonObject("probes").get("succeeded").getAsLong());
    assertEquals(266, flood.getAsJsonObject("rss_peak_mib").get("orchestrator").getAsLong());
    assertEquals(12, flood.get("flood_signups_started_at_most").getAsLong());
    assertEquals("metrics", json.get("observability").getAsString());
    assertEquals("native (libsodium)", minimum.get("hashed_by").getAsString());
  }

  @Test
  void servicesRunWithoutMetricsHaveTheirHeapAndGroupCommitSaidUnavailableNotFailed() {
    BenchSettings metricsOff = new BenchSettings(null, List.of(HashCost.MINIMUM), List.of(64),
        Duration.ofSeconds(10), 0, Duration.ZERO, Duration.ZERO, Duration.ZERO,
        Duration.ofSeconds(10), false, List.of("-Xmx256m"), null, Path.of("unused"),
        target -> null, new ReportOnlyParts(), "unused.Main", BenchStore.SQLITE, 1, null, null,
        0, Observability.OFF);
    BenchResult.Step step = new BenchResult.Step(64, measured(100), null, PerSignupCost.NONE,
        PerSignupCost.NONE, Warmup.NONE, null);
    BenchResult result = new BenchResult("self-hosted", List.of("-Xmx256m"), 2, 256, metricsOff,
        List.of(new BenchResult.Configuration(HashCost.MINIMUM, List.of(step), Map.of(),
            Map.of())));
    StringWriter out = new StringWriter();

    BenchReport.printText(new PrintWriter(out), result);

    assertTrue(out.toString().contains("the services ran with neither metrics nor traces "
        + "(--observability off)"), out.toString());
    assertEquals(2, out.toString().split("unavailable: the services ran without metrics "
        + "\\(--observability off\\)", -1).length - 1, "heap and group commit: " + out);
    assertFalse(out.toString().contains("password hashes computed by"), "not known: " + out);
  }
}
