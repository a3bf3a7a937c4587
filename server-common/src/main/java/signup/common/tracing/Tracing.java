package signup.common.tracing;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.logging.LogContext;
import signup.common.store.WriteObserver;

/**
 * One server's traces (OpenTelemetry): a span for each gRPC call it answers and makes, joined
 * across the services by W3C {@code traceparent} in the calls' metadata, and the spans the
 * server adds for its own work (log writes, database writes, the hash). Passed through
 * constructors, one per server, never the global instance.
 *
 * <p>Off unless the standard variables ask for an exporter ({@code OTEL_TRACES_EXPORTER}, or an
 * OTLP endpoint in {@code OTEL_EXPORTER_OTLP_ENDPOINT} / {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}):
 * then the SDK is configured from them (OpenTelemetry's autoconfigure), with the server's name
 * as {@code service.name} unless {@code OTEL_SERVICE_NAME} says otherwise, and OTLP over HTTP.
 * Off, nothing is installed: no interceptor, no span.
 *
 * <p>Attributes carry {@code txn_id} and {@code request_id}, never an e-mail, a name or a
 * password: spans name methods and steps, and only those two fields of a request are read.
 *
 * <p>The logs join up with the traces: while a call is served its {@code trace_id} is in the
 * logging MDC, and its request's {@code txn_id} whether traces are on or off; the pools that go
 * on with a call's work carry the MDC along ({@link #carryContext}, {@link LogContext}).
 */
public final class Tracing implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Tracing.class);
  static final String INSTRUMENTATION = "signup-system";

  private final OpenTelemetry openTelemetry;
  private final Tracer tracer;
  private final boolean enabled;
  private final OpenTelemetrySdk owned;

  private Tracing(OpenTelemetry openTelemetry, boolean enabled, OpenTelemetrySdk owned) {
    this.openTelemetry = openTelemetry;
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
    this.enabled = enabled;
    this.owned = owned;
  }

  /** No traces. */
  public static Tracing off() {
    return new Tracing(OpenTelemetry.noop(), false, null);
  }

  /** Traces into {@code openTelemetry} (tests: an SDK with an in-memory exporter); not closed. */
  public static Tracing to(OpenTelemetry openTelemetry) {
    return new Tracing(openTelemetry, true, null);
  }

  /** As the process's {@code OTEL_*} variables say: off unless they name an exporter. */
  public static Tracing fromEnvironment(String serviceName) {
    return fromEnvironment(serviceName, System.getenv());
  }

  static Tracing fromEnvironment(String serviceName, Map<String, String> env) {
    if (!requested(env)) {
      return off();
    }
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        // Defaults only: the OTEL_* variables and otel.* properties override each of them.
        .addPropertiesSupplier(() -> Map.of(
            "otel.service.name", serviceName,
            "otel.exporter.otlp.protocol", "http/protobuf",
            // Metrics are Micrometer's, on /metrics; logs go to stderr.
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none"))
        .build()
        .getOpenTelemetrySdk();
    log.info("{}: traces exported as the OTEL_* variables say", serviceName);
    return new Tracing(sdk, true, sdk);
  }

  /** Whether the variables ask for traces to be exported somewhere. */
  static boolean requested(Map<String, String> env) {
    if ("true".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED"))) {
      return false;
    }
    String exporter = env.get("OTEL_TRACES_EXPORTER");
    if (exporter != null && !exporter.isBlank()) {
      return !exporter.strip().equalsIgnoreCase("none");
    }
    return present(env, "OTEL_EXPORTER_OTLP_ENDPOINT")
        || present(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  }

  private static boolean present(Map<String, String> env, String name) {
    return env.get(name) != null && !env.get(name).isBlank();
  }

  public boolean enabled() {
    return enabled;
  }

  public Tracer tracer() {
    return tracer;
  }

  TextMapPropagator propagator() {
    return openTelemetry.getPropagators().getTextMapPropagator();
  }

  /** A span for each call answered, its caller's trace continued; empty when off. */
  public Optional<ServerInterceptor> serverInterceptor() {
    return enabled ? Optional.of(new TracingServerInterceptor(this)) : Optional.empty();
  }

  /**
   * Inside each service (where requests are parsed): the request's txn_id in the logging MDC
   * while its handler runs, on or off; and when on, its txn_id and request_id on the call's span.
   */
  public ServerInterceptor requestIds() {
    return new RequestAttributes(enabled);
  }

  /** {@code channel} with a span for each call made and the trace passed on; as is when off. */
  public Channel intercept(Channel channel) {
    return enabled
        ? ClientInterceptors.intercept(channel, new TracingClientInterceptor(this)) : channel;
  }

  /**
   * {@code pool} running each task in the context of whoever submitted it: its logging MDC
   * (the txn_id and trace_id of the lines it writes), and when on its trace, so the spans made
   * on its threads join the submitter's.
   */
  public ExecutorService carryContext(ExecutorService pool) {
    return LogContext.carrying(enabled ? Context.taskWrapping(pool) : pool);
  }

  /**
   * A span, named {@code name}, that ended now after {@code durationNanos}, a child of the
   * current span; nothing when there is none (work no traced call asked for).
   */
  public void pastSpan(String name, long durationNanos) {
    if (!enabled || !Span.current().getSpanContext().isValid()) {
      return;
    }
    java.time.Instant end = java.time.Instant.now();
    tracer.spanBuilder(name)
        .setStartTimestamp(end.minusNanos(durationNanos))
        .startSpan()
        .end(end);
  }

  /** A span for each database write, a child of the span of whoever asked for it. */
  public WriteObserver databaseWrites(String database) {
    if (!enabled) {
      return WriteObserver.NONE;
    }
    return () -> {
      if (!Span.current().getSpanContext().isValid()) {
        return WriteObserver.NONE_DONE; // a write of no traced call (a sweep, a purge)
      }
      Span span = tracer.spanBuilder(database + " db write").setSpanKind(SpanKind.INTERNAL)
          .setAttribute("db.system", "sqlite")
          .setAttribute("db.namespace", database)
          .startSpan();
      return failure -> {
        if (failure != null) {
          span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR,
              failure.getClass().getSimpleName());
        }
        span.end();
      };
    };
  }

  /** Flushes and stops the exporter this instance built. */
  @Override
  public void close() {
    if (owned != null) {
      owned.close();
    }
  }
}
