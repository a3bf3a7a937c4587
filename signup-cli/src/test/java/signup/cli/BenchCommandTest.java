package signup.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import signup.common.store.DatabaseLocation.PostgresServer;
import signup.common.store.TestPostgres;
import signup.orchestrator.SignupSystem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code signup bench} as a person or a script runs it: tiny runs that prove it completes,
 * reports and exits 0. No timing is asserted: this machine's speed is not the code's behaviour.
 */
class BenchCommandTest {
  /** The password every bench sign-up uses, which no report may show. */
  private static final String BENCH_PASSWORD = "bench-password-9";
  /** A database password given to the bench, which no report may show either. */
  private static final String DB_PASSWORD = "db-secret-4711";

  @TempDir static Path dataDir;
  static SignupSystem system;

  @BeforeAll
  static void start() {
    system = SignupSystem.startAll(dataDir);
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  record Run(int exitCode, String out, String err) {}

  private static Run bench(String... args) {
    return bench(Map.of(), args);
  }

  /** @param env what the bench reads its PostgreSQL login from, in place of the process's */
  private static Run bench(Map<String, String> env, String... args) {
    CommandLine cli = SignupCli.commandLine(new ByteArrayInputStream(new byte[0]));
    ((BenchCommand) cli.getSubcommands().get("bench").getCommand()).env = env;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "bench";
    System.arraycopy(args, 0, all, 1, args.length);
    return new Run(cli.execute(all), out.toString(), err.toString());
  }

  private static String target() {
    return SignupSystem.target(system.orchestratorPort);
  }

  @Test
  void aCountedRunAgainstATargetReportsEverySignupAndTheLocalLimitAsJson() {
    Run run = bench("--target", target(), "--count", "50", "--concurrency", "4",
        "--warmup", "0s", "--step-warmup", "0s", "--service-heap", "128m", "--json");

    assertEquals(0, run.exitCode(), run.err());
    // The local limit ran in a JVM of its own with the services' heap, not in this one.
    assertTrue(run.out().contains("\"local_limit_max_heap_mib\": 128,"), run.out());
    assertTrue(run.out().contains("\"local limit\": "), "its CPU metered: " + run.out());
    String json = run.out();
    assertTrue(json.trim().startsWith("{") && json.trim().endsWith("}"), json);
    assertEquals(2, count(json, "\"succeeded\": 50"), "protocol and local limit: " + json);
    assertEquals(2, count(json, "\"failed\": 0"), json);
    for (String field : new String[] {"\"throughput_per_s\"", "\"p50\"", "\"p90\"", "\"p99\"",
        "\"p99_9\"", "\"max\"", "\"ratio\"", "\"configuration\": \"production\"",
        "\"heap\": {}", "\"errors\": false"}) {
      assertTrue(json.contains(field), field + " missing from " + json);
    }
    assertFalse(json.contains(BENCH_PASSWORD), "the bench's password was printed: " + json);
  }

  @Test
  void aTableForPeopleHasAStepPerConcurrencyAndSaysTheTargetsHeapIsUnknown() {
    Run run = bench("--target", target(), "--count", "12", "--concurrency", "1,3",
        "--warmup", "0s", "--step-warmup", "0s", "--hash-cost", "minimum", "--no-local");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("protocol/s"), run.out());
    Matcher rows = Pattern.compile("(?m)^minimum\\s+m=8,t=1,p=1\\s+(\\d+)\\s").matcher(run.out());
    assertTrue(rows.find() && rows.group(1).equals("1"), run.out());
    assertTrue(rows.find() && rows.group(1).equals("3"), run.out());
    assertTrue(run.out().contains("n/a"), "heap of a target is unknown: " + run.out());
    assertTrue(run.err().contains("minimum c=3"), "a line per step on stderr: " + run.err());
  }

  @Test
  void theChartIsWrittenAsAPng() throws Exception {
    Path chart = dataDir.resolve("charts/bench.png");

    Run run = bench("--target", target(), "--count", "6", "--concurrency", "1,2",
        "--warmup", "0s", "--step-warmup", "0s", "--chart", chart.toString());

    assertEquals(0, run.exitCode(), run.err());
    byte[] png = Files.readAllBytes(chart);
    assertEquals((byte) 0x89, png[0]);
    assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
  }

  @Test
  void contradictoryOptionsAreUsageErrors() {
    assertEquals(2, bench("--self-hosted", "--target", target()).exitCode());
    assertEquals(2, bench("--target", target(), "--duration", "5s", "--count", "5").exitCode());
    assertEquals(2, bench("--target", target(), "--hash-cost", "both").exitCode());
    assertEquals(2, bench("--target", target(), "--concurrency", "0").exitCode());
    Run floodAlone = bench("--target", target(), "--concurrency", "4", "--flood", "8");
    assertEquals(2, floodAlone.exitCode());
    assertTrue(floodAlone.err().contains("--flood 8 must be one of --concurrency"),
        floodAlone.err());
    assertEquals(2, bench("--target", target(), "--max-in-flight", "16").exitCode());
    assertEquals(2, bench("--target", target(), "--observability", "off").exitCode());
    Run badObservability = bench("--self-hosted", "--observability", "everything");
    assertEquals(2, badObservability.exitCode());
    assertTrue(badObservability.err().contains("--observability must be off, metrics, tracing "
        + "or metrics+tracing"), badObservability.err());
    Run unknown = bench("--target", target(), "--hash-cost", "cheap");
    assertEquals(2, unknown.exitCode());
    assertTrue(unknown.err().contains("--hash-cost"), unknown.err());
    assertEquals(2, bench("--target", target(), "--store", "mysql").exitCode());
    assertEquals(2, bench("--target", target(), "--db-url", "jdbc:postgresql://h:1/d")
        .exitCode(), "a server without --store postgres");
    assertEquals(2, bench("--target", target(), "--store", "postgres", "--replicas", "2")
        .exitCode(), "a target's replicas are its own");
  }

  @Test
  void replicasOnSqliteAreRefusedSinceAFileBelongsToOneProcess() {
    Run run = bench("--self-hosted", "--replicas", "2", "--count", "1");

    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("--replicas 2 needs --store postgres"), run.err());
  }

  @Test
  void theLocalLimitOnAGivenPostgresqlServerRunsInASchemaDroppedAtTheEnd() {
    TestPostgres postgres = TestPostgres.shared();
    PostgresServer database = postgres.createDatabase();

    Run run = bench(Map.of("BENCH_DB_USER", database.user(), "BENCH_DB_PASSWORD", DB_PASSWORD),
        "--target", target(), "--store", "postgres", "--db-url", database.url(),
        "--count", "20", "--concurrency", "4", "--warmup", "0s", "--step-warmup", "0s",
        "--hash-cost", "minimum", "--json");

    assertRanWithoutLocalFailures(run, 20);
    assertTrue(run.out().contains("\"store\": \"postgresql\""), run.out());
    assertTrue(run.out().contains("\"replicas\": null"), "a target's are unknown: " + run.out());
    assertEquals(0, PostgresSystem.number(database,
        "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'bench\\_%'"), "schemas left");
    assertFalse((run.out() + run.err()).contains(DB_PASSWORD), "the password was printed");
  }

  @Test
  void aSelfHostedRunOnPostgresqlSpreadsSignupsOverTwoReplicasOfEachService() throws Exception {
    TestPostgres postgres = TestPostgres.shared();
    PostgresServer database = postgres.createDatabase();

    Run run = bench(Map.of("BENCH_DB_USER", database.user()), "--self-hosted",
        "--store", "postgres", "--db-url", database.url(), "--replicas", "2", "--keep-data",
        "--hash-cost", "minimum", "--count", "20", "--concurrency", "4", "--warmup", "0s",
        "--step-warmup", "0s", "--timeout", "60s", "--json");

    Matcher kept = Pattern.compile("kept in (\\S+)").matcher(run.err());
    assertTrue(kept.find(), run.err());
    try {
      assertRanWithoutLocalFailures(run, 20);
      assertTrue(run.out().contains("\"store\": \"postgresql\""), run.out());
      assertTrue(run.out().contains("\"replicas\": 2"), run.out());
      for (String process : new String[] {"orchestrator-1", "orchestrator-2", "client-server-1",
          "client-server-2", "subscription-server-1", "subscription-server-2"}) {
        assertTrue(run.out().contains("\"" + process + "\": {"), process + ": " + run.out());
      }
      String schema = PostgresSystem.string(database, "SELECT nspname FROM pg_namespace "
          + "WHERE nspname LIKE 'bench\\_%\\_orchestrator'");
      assertEquals(2, PostgresSystem.number(database, "SELECT count(DISTINCT claimed_by) FROM "
          + schema + ".signup_txn WHERE state = 'DONE'"), "both orchestrators decided sign-ups");
      assertEquals(20, PostgresSystem.number(database, "SELECT count(*) FROM "
          + schema.replace("_orchestrator", "_local_limit") + ".clients"),
          "the local limit wrote to PostgreSQL");
    } finally {
      deleteTree(Path.of(kept.group(1)));
    }
  }

  @Test
  void aSelfHostedRunStartsThreeServiceJvmsAndReportsTheirHeap() {
    Run run = bench("--self-hosted", "--hash-cost", "minimum", "--count", "30",
        "--concurrency", "8", "--warmup", "0s", "--step-warmup", "0s", "--json");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(2, count(run.out(), "\"succeeded\": 30"), run.out());
    assertTrue(run.out().contains("\"system\": \"self-hosted\""), run.out());
    assertTrue(run.out().contains("\"-Xmx256m\""), run.out());
    for (String service : new String[] {"orchestrator", "client-server", "subscription-server"}) {
      assertTrue(run.out().contains("\"" + service + "\": {"), service + ": " + run.out());
    }
    assertTrue(run.out().contains("\"max_mib\": 256"), run.out());
  }

  /**
   * Exit code 0, or 1 when some sign-ups of the protocol failed: on a loaded machine (a dozen
   * JVMs on two cores) a reservation can outlast the orchestrator's 3 s reserve deadline, and
   * the speed of the protocol is not what these tests are about. The local limit, which has no
   * deadline, did all its {@code count} sign-ups.
   */
  private static void assertRanWithoutLocalFailures(Run run, int count) {
    assertTrue(run.exitCode() == 0 || run.exitCode() == 1, run.err() + run.out());
    assertTrue(Pattern.compile("\"local_limit\": \\{\\s*\"succeeded\": " + count
        + ",\\s*\"failed\": 0,").matcher(run.out()).find(), run.out());
  }

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void anOverloadedTracedRunRefusesFastAnswersNothingLateAndAFloodLeavesNormalSignupsWorking() {
    // 48 in flight is three times the orchestrator's bound: most calls are refused at first.
    Run run = bench("--self-hosted", "--hash-cost", "minimum", "--max-in-flight", "16",
        "--duration", "2s", "--concurrency", "4,48", "--flood", "4", "--warmup", "1s",
        "--min-warmup", "1s", "--step-warmup", "0s", "--no-local", "--observability",
        "metrics+tracing", "--json");

    assertEquals(0, run.exitCode(), run.err() + run.out());
    JsonObject json = JsonParser.parseString(run.out()).getAsJsonObject();
    assertEquals("signup bench --self-hosted --hash-cost minimum --max-in-flight 16 --duration "
        + "2s --concurrency 4,48 --flood 4 --warmup 1s --min-warmup 1s --step-warmup 0s "
        + "--no-local --observability metrics+tracing --json", json.get("command").getAsString());
    assertEquals("metrics+tracing", json.get("observability").getAsString());
    JsonObject minimum = json.getAsJsonArray("configurations").get(0).getAsJsonObject();
    JsonObject overloaded = minimum.getAsJsonArray("steps").get(1).getAsJsonObject();
    assertEquals(48, overloaded.get("concurrency").getAsInt());
    JsonObject protocol = overloaded.getAsJsonObject("protocol");
    assertTrue(protocol.get("refused").getAsLong() > 0, "nothing refused past 16: " + protocol);
    assertEquals(0, protocol.get("failed").getAsLong(), protocol.toString());
    assertEquals(0, protocol.get("answered_after_deadline").getAsLong(), protocol.toString());
    assertTrue(protocol.getAsJsonObject("refusal_latency_ms").get("p99").getAsDouble() > 0,
        protocol.toString());
    double ofPeak = overloaded.get("goodput_of_peak").getAsDouble();
    assertTrue(ofPeak > 0 && ofPeak <= 1, "goodput of the peak: " + ofPeak);

    JsonObject flood = minimum.getAsJsonObject("flood");
    assertEquals(4, flood.get("concurrency").getAsInt());
    assertEquals(16, flood.get("flood_threads").getAsInt());
    assertTrue(flood.get("flood_calls_total").getAsLong() > 0, flood.toString());
    assertTrue(flood.getAsJsonObject("protocol").get("succeeded").getAsLong() > 0,
        flood.toString());
    assertEquals(0, flood.getAsJsonObject("protocol").get("answered_after_deadline")
        .getAsLong(), flood.toString());
    assertTrue(flood.get("goodput_of_baseline").getAsDouble() > 0, flood.toString());
    JsonObject probes = flood.getAsJsonObject("probes");
    assertTrue(probes.get("made").getAsLong() >= 2, "several probes: " + probes);
    assertEquals(probes.get("made").getAsLong(), probes.get("succeeded").getAsLong(),
        probes.toString());
    assertTrue(flood.getAsJsonObject("rss_peak_mib").get("orchestrator").getAsLong() > 0,
        flood.toString());
    assertTrue(flood.get("flood_signups_started_at_most").getAsLong() >= 0, flood.toString());

    // Read from the services' /metrics: each step's own group commit, the heap at the end.
    JsonObject stepCommits = overloaded.getAsJsonObject("protocol_group_commit");
    for (String service : new String[] {"orchestrator", "client-server", "subscription-server"}) {
      assertTrue(stepCommits.getAsJsonObject(service).get("writes").getAsLong() > 0,
          service + ": " + stepCommits);
      assertEquals(256, minimum.getAsJsonObject("heap").getAsJsonObject(service)
          .get("max_mib").getAsLong(), minimum.getAsJsonObject("heap").toString());
      // Every service created and exported spans.
      assertTrue(minimum.getAsJsonObject("spans_exported").get(service).getAsLong() > 0,
          service + ": " + minimum.get("spans_exported"));
    }
    assertFalse(run.out().contains(BENCH_PASSWORD), "the bench's password was printed");
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
