package signup.common.tracing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * A CLIENT span for each call, a child of the current context's span, passed to the callee as
 * W3C {@code traceparent} in the call's metadata.
 */
final class TracingClientInterceptor implements ClientInterceptor {
  private static final TextMapSetter<Metadata> HEADERS = (carrier, key, value) ->
      carrier.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);

  private final Tracing tracing;

  TracingClientInterceptor(Tracing tracing) {
    this.tracing = tracing;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
      CallOptions callOptions, Channel next) {
    return new SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {
      @Override
      public void start(Listener<R> responseListener, Metadata headers) {
        Context parent = Context.current();
        Span span = tracing.tracer().spanBuilder(method.getFullMethodName())
            .setParent(parent)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("rpc.system", "grpc")
            .setAttribute("rpc.service", method.getServiceName())
            .setAttribute("rpc.method", method.getBareMethodName())
            .startSpan();
        tracing.propagator().inject(parent.with(span), headers, HEADERS);
        super.start(new SimpleForwardingClientCallListener<>(responseListener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            span.setAttribute("rpc.grpc.status_code", status.getCode().value());
            if (!status.isOk()) {
              span.setStatus(StatusCode.ERROR, status.getCode().name());
            }
            span.end();
            super.onClose(status, trailers);
          }
        }, headers);
      }
    };
  }
}
