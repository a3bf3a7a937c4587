package signup.common.tracing;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.trace.Span;
import signup.common.logging.LogContext;

/**
 * A request's {@code txn_id}, where it has one (a participant's Reserve, Confirm, Cancel, the
 * coordinator's ResolveTransaction), in the logging MDC while the call's handler runs, so that
 * whatever the handler and the work it hands on log carries it; and, when traces are on, its
 * {@code txn_id} and {@code request_id} on the call's span. No other field is read: an e-mail,
 * a name or a password never reaches a span or the MDC.
 */
final class RequestAttributes implements ServerInterceptor {
  static final String TXN_ID = LogContext.TXN_ID;
  static final String REQUEST_ID = "request_id";

  private final boolean spans;

  /** @param spans whether calls have spans to put the ids on (traces on) */
  RequestAttributes(boolean spans) {
    this.spans = spans;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    return new ScopedListener<>(next.startCall(call, headers)) {
      // The listener's callbacks come one at a time (possibly on different threads, in order).
      private String txnId;

      @Override
      public void onMessage(Q message) {
        if (message instanceof Message request) {
          txnId = field(request, TXN_ID);
          if (spans) {
            Span span = Span.current();
            attribute(span, TXN_ID, txnId);
            attribute(span, REQUEST_ID, field(request, REQUEST_ID));
          }
        }
        super.onMessage(message);
      }

      @Override
      void around(Runnable callback) {
        if (txnId == null) {
          callback.run();
          return;
        }
        try (LogContext.Scope scope = LogContext.with(TXN_ID, txnId)) {
          callback.run();
        }
      }
    };
  }

  /** A single string field's value; null when the message has no such field or it is empty. */
  private static String field(Message request, String field) {
    FieldDescriptor descriptor = request.getDescriptorForType().findFieldByName(field);
    if (descriptor == null || descriptor.getType() != FieldDescriptor.Type.STRING
        || descriptor.isRepeated()) {
      return null;
    }
    String value = (String) request.getField(descriptor);
    return value.isEmpty() ? null : value;
  }

  private static void attribute(Span span, String field, String value) {
    if (value != null) {
      span.setAttribute(field, value);
    }
  }
}
