package signup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The sink against OpenTelemetry's own OTLP/HTTP exporter, as the services use it. */
class TraceSinkTest {
  private static SdkTracerProvider exportingTo(TraceSink sink, String service) {
    return SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(
            Attributes.builder().put("service.name", service).build())))
        .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
            .setEndpoint(sink.endpoint().toString()).build()).build())
        .build();
  }

  @Test
  void everySpanExportedOverOtlpIsCountedForItsService() {
    try (TraceSink sink = TraceSink.start()) {
      SdkTracerProvider orchestrator = exportingTo(sink, "orchestrator");
      SdkTracerProvider client = exportingTo(sink, "client-server");
      Tracer o = orchestrator.get("test");
      for (int i = 0; i < 700; i++) { // more than one batch of 512
        o.spanBuilder("Signup").startSpan().end();
      }
      client.get("test").spanBuilder("Reserve").startSpan().end();

      // Shutting down flushes what is batched, and waits for the export.
      orchestrator.shutdown().join(30, TimeUnit.SECONDS);
      client.shutdown().join(30, TimeUnit.SECONDS);

      assertEquals(Map.of("orchestrator", 700L, "client-server", 1L), sink.spansByService());
      assertTrue(sink.requests() >= 3, "two batches and one at least: " + sink.requests());
    }
  }

  @Test
  void somethingThatIsNotProtobufIsNotCounted() {
    assertThrows(IOException.class, () -> TraceSink.countSpans(new byte[] {(byte) 0xff, 1}));
  }
}
