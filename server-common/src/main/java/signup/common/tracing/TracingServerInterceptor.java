package signup.common.tracing;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.concurrent.atomic.AtomicBoolean;
import signup.common.logging.LogContext;

/**
 * A SERVER span for each call, continuing the caller's trace from its {@code traceparent}, and
 * current (with {@code trace_id} in the MDC) while the call's handler runs, so that what the
 * handler starts joins it. (Requests are still unparsed here: {@link RequestAttributes}, inside
 * the parsing, adds their ids.)
 */
final class TracingServerInterceptor implements ServerInterceptor {
  private static final TextMapGetter<Metadata> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Metadata carrier) {
      return carrier.keys();
    }

    @Override
    public String get(Metadata carrier, String key) {
      return carrier == null ? null
          : carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
    }
  };

  private final Tracing tracing;

  TracingServerInterceptor(Tracing tracing) {
    this.tracing = tracing;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Context parent = tracing.propagator().extract(Context.root(), headers, HEADERS);
    Span span = tracing.tracer().spanBuilder(method)
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute("rpc.system", "grpc")
        .setAttribute("rpc.service", call.getMethodDescriptor().getServiceName())
        .setAttribute("rpc.method", call.getMethodDescriptor().getBareMethodName())
        .startSpan();
    Context context = parent.with(span);
    AtomicBoolean ended = new AtomicBoolean();
    ServerCall<Q, R> traced = new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        end(span, status, ended);
        super.close(status, trailers);
      }
    };
    ServerCall.Listener<Q> listener;
    try (Scope scope = context.makeCurrent()) {
      listener = next.startCall(traced, headers);
    }
    String traceId = span.getSpanContext().getTraceId();
    return new ScopedListener<>(listener) {
      @Override
      public void onCancel() {
        super.onCancel();
        end(span, Status.CANCELLED, ended);
      }

      @Override
      void around(Runnable callback) {
        try (LogContext.Scope ids = LogContext.with(LogContext.TRACE_ID, traceId);
            Scope scope = context.makeCurrent()) {
          callback.run();
        }
      }
    };
  }

  private static void end(Span span, Status status, AtomicBoolean ended) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    span.setAttribute("rpc.grpc.status_code", status.getCode().value());
    if (!status.isOk()) {
      span.setStatus(StatusCode.ERROR, status.getCode().name());
    }
    span.end();
  }
}
