package signup.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * config/logback.xml, the runnable jars' logging: text by default, one JSON object per line
 * with SIGNUP_LOG_FORMAT=json, the MDC and key-value pairs as fields of their own.
 */
class LogFormatTest {
  private static final Path CONFIG = Path.of("..", "config", "logback.xml");

  @Test
  void jsonFormatWritesOneObjectPerLineWithTheMdcAndKeyValues() throws Exception {
    List<String> lines = logThrough("json");

    assertEquals(2, lines.size(), String.join("\n", lines));
    JsonObject first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
    assertEquals("INFO", first.get("level").getAsString());
    assertEquals("sign-up 01a2-txn ABORTED", first.get("formattedMessage").getAsString());
    assertTrue(!first.has("message") && !first.has("arguments"), first.toString());
    assertEquals("01a2-txn", first.getAsJsonObject("mdc").get("txn_id").getAsString());
    assertTrue(first.get("kvpList").toString().contains("\"reason\":\"ALREADY_EXISTS\""),
        first.toString());
    assertTrue(lines.get(1).contains("\"level\":\"WARN\""), lines.get(1));
  }

  @Test
  void textIsTheDefaultFormatAndShowsTheMdcIdsOnlyWhenThereAreAny() throws Exception {
    List<String> lines = logThrough(null);

    assertEquals(2, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[.*] format-test "
        + "txn_id=01a2-txn - sign-up 01a2-txn ABORTED"), lines.get(0));
    assertTrue(lines.get(1).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  \\[.*] format-test - "
        + "second"), lines.get(1));
  }

  @Test
  void textShowsTheTxnIdAndTheTraceIdBeforeTheMessage() throws Exception {
    List<String> lines = logThrough(null, Map.of("txn_id", "01a2-txn",
        "trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"));

    assertTrue(lines.get(0).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[.*] format-test "
        + "txn_id=01a2-txn trace_id=4bf92f3577b34da6a3ce929d0e0e4736 - sign-up 01a2-txn ABORTED"),
        lines.get(0));
    List<String> traceOnly = logThrough(null, Map.of(
        "trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"));
    assertTrue(traceOnly.get(0).contains(
        "format-test trace_id=4bf92f3577b34da6a3ce929d0e0e4736 - sign-up"), traceOnly.get(0));
  }

  @Test
  void anyOtherFormatIsRefusedByTheLaunchers() {
    assertEquals(null, ServerLauncher.badLogFormat(java.util.Map.of()));
    assertEquals(null, ServerLauncher.badLogFormat(java.util.Map.of("SIGNUP_LOG_FORMAT", "json")));
    assertEquals("SIGNUP_LOG_FORMAT must be text or json, not JSON",
        ServerLauncher.badLogFormat(java.util.Map.of("SIGNUP_LOG_FORMAT", "JSON")));
  }

  /** Two lines logged through a logback configured from the file, as a runnable jar is. */
  private static List<String> logThrough(String format) throws Exception {
    return logThrough(format, Map.of("txn_id", "01a2-txn"));
  }

  /** ... the first with {@code mdc} in the MDC. */
  private static List<String> logThrough(String format, Map<String, String> mdc)
      throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    LoggerContext context = new LoggerContext();
    // The MDC of SLF4J's own provider, which MDC.put below writes to.
    context.setMDCAdapter(MDC.getMDCAdapter());
    context.start();
    if (format != null) {
      context.putProperty("SIGNUP_LOG_FORMAT", format);
    }
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(CONFIG.toFile());
      Logger log = context.getLogger("format-test");
      mdc.forEach(MDC::put);
      try {
        log.atInfo().addKeyValue("reason", "ALREADY_EXISTS").log("sign-up {} ABORTED",
            "01a2-txn");
      } finally {
        MDC.clear();
      }
      log.warn("second");
    } finally {
      context.stop();
      System.setErr(stderr);
    }
    return captured.toString(StandardCharsets.UTF_8).lines()
        .filter(line -> !line.isBlank()).toList();
  }
}
