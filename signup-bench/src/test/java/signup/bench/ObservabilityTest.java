package signup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObservabilityTest {
  private static final URI SINK = URI.create("http://127.0.0.1:4318/v1/traces");
  /** A developer's shell that exports traces somewhere of its own. */
  private static final Map<String, String> SHELL = Map.of("PATH", "/usr/bin",
      "OTEL_TRACES_EXPORTER", "logging", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://elsewhere:4318");

  @Test
  void eachModeSaysWhetherTheServicesServeMetricsAndExportTraces() {
    assertEquals(Observability.METRICS_AND_TRACING, Observability.parse("Metrics+Tracing"));
    assertEquals("-1", Observability.OFF.launch(SHELL, SINK).metricsPort());
    assertEquals("0", Observability.METRICS.launch(SHELL, SINK).metricsPort());
    assertEquals("-1", Observability.TRACING.launch(SHELL, SINK).metricsPort());
    assertThrows(IllegalArgumentException.class, () -> Observability.parse("everything"));
  }

  @Test
  void withoutTracingNoOtelVariableOfTheShellReachesTheServices() {
    Map<String, String> environment = Observability.METRICS.launch(SHELL, SINK).environment();

    assertEquals(Map.of("PATH", "/usr/bin"), environment);
  }

  @Test
  void withTracingEverySpanGoesOverOtlpToTheSinkAndNowhereElse() {
    Map<String, String> environment = Observability.METRICS_AND_TRACING.launch(SHELL, SINK)
        .environment();

    assertEquals("otlp", environment.get("OTEL_TRACES_EXPORTER"));
    assertEquals(SINK.toString(), environment.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
    assertFalse(environment.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
  }
}
