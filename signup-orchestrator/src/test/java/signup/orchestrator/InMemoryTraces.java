package signup.orchestrator;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import signup.common.tracing.Tracing;

/**
 * Traces on, each server's spans (its name as {@code service.name}) exported at once into one
 * in-memory list, propagated as W3C {@code traceparent}: a {@link SignupSystem#withTracing}.
 */
final class InMemoryTraces implements AutoCloseable {
  static final AttributeKey<String> SERVICE = AttributeKey.stringKey("service.name");

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final List<OpenTelemetrySdk> sdks = new CopyOnWriteArrayList<>();

  /** A server's tracing, for {@link SignupSystem#withTracing}. */
  Tracing forService(String service) {
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .setResource(Resource.getDefault().merge(
                Resource.create(Attributes.of(SERVICE, service))))
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    sdks.add(sdk);
    return Tracing.to(sdk);
  }

  /** The spans ended so far. */
  List<SpanData> spans() {
    return exporter.getFinishedSpanItems();
  }

  void reset() {
    exporter.reset();
  }

  @Override
  public void close() {
    sdks.forEach(OpenTelemetrySdk::close);
  }
}
