package signup.common.tracing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Traces are exported only when the standard OTEL_* variables ask for it. */
class TracingSettingsTest {
  @Test
  void withNoOtelVariableTracingIsOffAndInstallsNoSpans() {
    Tracing tracing = Tracing.fromEnvironment("test", Map.of());

    assertFalse(tracing.enabled());
    assertTrue(tracing.serverInterceptor().isEmpty());
  }

  @Test
  void anOtlpEndpointOrAnExporterTurnsItOn() {
    assertTrue(Tracing.requested(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")));
    assertTrue(Tracing.requested(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "http://collector:4318/v1/traces")));
    assertTrue(Tracing.requested(Map.of("OTEL_TRACES_EXPORTER", "otlp")));
  }

  @Test
  void exporterNoneOrTheSdkDisabledKeepsItOff() {
    assertFalse(Tracing.requested(Map.of("OTEL_TRACES_EXPORTER", "none",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")));
    assertFalse(Tracing.requested(Map.of("OTEL_SDK_DISABLED", "true",
        "OTEL_TRACES_EXPORTER", "otlp")));
  }

  @Test
  void theSdkBuildsFromTheStandardSettingsWithOtlpOverHttp() {
    // As OTEL_TRACES_EXPORTER=otlp and OTEL_EXPORTER_OTLP_ENDPOINT would say (the system
    // properties are read the same way): the OTLP exporter must find its HTTP sender.
    System.setProperty("otel.traces.exporter", "otlp");
    System.setProperty("otel.exporter.otlp.endpoint", "http://127.0.0.1:9");
    try (Tracing tracing = Tracing.fromEnvironment("test",
        Map.of("OTEL_TRACES_EXPORTER", "otlp"))) {
      assertTrue(tracing.enabled());
      assertTrue(tracing.serverInterceptor().isPresent());
    } finally {
      System.clearProperty("otel.traces.exporter");
      System.clearProperty("otel.exporter.otlp.endpoint");
    }
  }
}
