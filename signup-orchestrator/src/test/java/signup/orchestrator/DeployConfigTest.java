package signup.orchestrator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.client.domain.Argon2Settings;
import signup.common.domain.ParticipantSettings;
import signup.common.metrics.Promtool;
import signup.common.metrics.Scrape;

/**
 * What deploy/ ships for operators: the alert rules and the Prometheus config pass promtool
 * (the rules' own unit tests included), and the alerts and the Grafana dashboard name only
 * series the three services really export.
 */
class DeployConfigTest {
  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final Path RULES = DEPLOY.resolve("prometheus/signup-alerts.yml");
  private static final Path DASHBOARD = DEPLOY.resolve("grafana/signup-dashboard.json");
  /** Series Prometheus makes itself, not a service. */
  private static final Set<String> PROMETHEUS_OWN = Set.of("up");
  private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "bool",
      "offset", "inf", "nan");
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  @TempDir Path dataDir;

  @Test
  void theAlertRulesAndThePrometheusConfigPassPromtoolAndTheRulesOwnTests() {
    Path dir = DEPLOY.resolve("prometheus").toAbsolutePath();
    for (String[] args : new String[][] {
        {"check", "rules", dir.resolve("signup-alerts.yml").toString()},
        {"check", "config", dir.resolve("prometheus.yml").toString()},
        {"test", "rules", dir.resolve("signup-alerts.test.yml").toString()}}) {
      Promtool.Result result = Promtool.run("", args);
      assertEquals(0, result.exit(), String.join(" ", args) + ":\n" + result.output());
    }
  }

  @Test
  void theAlertsAndTheDashboardNameOnlySeriesTheServicesExport() throws IOException {
    List<String> rules = ruleExpressions(Files.readAllLines(RULES));
    List<String> panels = dashboardExpressions(Files.readString(DASHBOARD));
    assertTrue(rules.size() >= 5, "rules read: " + rules);
    assertTrue(panels.size() >= 15, "panel queries read: " + panels);

    Set<String> exported = exportedSeries();

    Set<String> unknown = new TreeSet<>();
    for (String expr : concat(rules, panels)) {
      for (String name : seriesNamedBy(expr)) {
        if (!exported.contains(name) && !PROMETHEUS_OWN.contains(name)) {
          unknown.add(name + "  (in: " + expr + ")");
        }
      }
    }
    assertEquals(Set.of(), unknown, "named but exported by no service");
  }

  @Test
  void aNameThatNoServiceExportsIsCaught() {
    assertEquals(Set.of("signup_nonsense_total", "jvm_memory_used_bytes"), new java.util.HashSet<>(
        seriesNamedBy("sum by (le, db) (rate(signup_nonsense_total{db=~\"a|b\"}[5m])) "
            + "/ on (db) group_left max(jvm_memory_used_bytes{area=\"heap\"}) > 0.5")));
  }

  /** The three servers after a few sign-ups (a refusal too) and a GC: every series is there. */
  private Set<String> exportedSeries() {
    try (SignupSystem system = new SignupSystem(dataDir, SignupSystem.FAST,
        ParticipantSettings.DEFAULTS).withHashing(Argon2Settings.MINIMUM)) {
      system.startClient().startSubscription().startOrchestrator();
      system.signups().signup(SignupSystem.request("ada@example.com"));
      try {
        system.signups().signup(SignupSystem.request("ada@example.com"));
      } catch (StatusRuntimeException expected) {
        // ALREADY_EXISTS: a failed call's series too
      }
      System.gc();
      await().atMost(Duration.ofSeconds(10)).until(() ->
          Scrape.of(system.orchestratorMetricsPort()).has("jvm_gc_pause_seconds_count"));
      Set<String> names = new TreeSet<>();
      for (int port : new int[] {system.orchestratorMetricsPort(), system.clientMetricsPort(),
          system.subscriptionMetricsPort()}) {
        names.addAll(Scrape.of(port).names());
      }
      return names;
    }
  }

  /** The series an expression selects: its names less functions, keywords and labels. */
  static List<String> seriesNamedBy(String expr) {
    String bare = expr
        .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    List<String> names = new ArrayList<>();
    Matcher m = NAME.matcher(bare);
    while (m.find()) {
      String name = m.group();
      boolean function = bare.substring(m.end()).matches("(?s)\\s*\\(.*");
      boolean word = PROMQL_WORDS.contains(name.toLowerCase(java.util.Locale.ROOT))
          || name.matches("\\d.*") || name.equals("group_left") || name.equals("group_right");
      if (!function && !word && !names.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }

  /** Every {@code expr:} of a rules file: one line, or a block scalar ({@code >-}). */
  static List<String> ruleExpressions(List<String> lines) {
    List<String> exprs = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int at = line.indexOf("expr:");
      if (at < 0 || line.strip().startsWith("#")) {
        continue;
      }
      String value = line.substring(at + "expr:".length()).strip();
      if (!value.startsWith(">") && !value.startsWith("|")) {
        exprs.add(value);
        continue;
      }
      StringBuilder block = new StringBuilder();
      while (i + 1 < lines.size() && (lines.get(i + 1).isBlank()
          || indent(lines.get(i + 1)) > indent(line))) {
        block.append(lines.get(++i).strip()).append(' ');
      }
      exprs.add(block.toString().strip());
    }
    return exprs;
  }

  private static int indent(String line) {
    return line.length() - line.stripLeading().length();
  }

  static List<String> dashboardExpressions(String json) {
    List<String> exprs = new ArrayList<>();
    for (JsonElement panel : JsonParser.parseString(json).getAsJsonObject()
        .getAsJsonArray("panels")) {
      for (JsonElement target : panel.getAsJsonObject().getAsJsonArray("targets")) {
        JsonObject t = target.getAsJsonObject();
        exprs.add(t.get("expr").getAsString());
      }
    }
    return exprs;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
