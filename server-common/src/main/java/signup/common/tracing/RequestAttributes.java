package signup.common.tracing;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.trace.Span;

/**
 * Puts a request's {@code txn_id} and {@code request_id}, where it has them, on the call's span.
 * No other field is read: an e-mail, a name or a password never reaches a span.
 */
final class RequestAttributes implements ServerInterceptor {
  static final String TXN_ID = "txn_id";
  static final String REQUEST_ID = "request_id";

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
      @Override
      public void onMessage(Q message) {
        if (message instanceof Message request) {
          Span span = Span.current();
          attribute(span, request, TXN_ID);
          attribute(span, request, REQUEST_ID);
        }
        super.onMessage(message);
      }
    };
  }

  private static void attribute(Span span, Message request, String field) {
    FieldDescriptor descriptor = request.getDescriptorForType().findFieldByName(field);
    if (descriptor != null && descriptor.getType() == FieldDescriptor.Type.STRING
        && !descriptor.isRepeated()) {
      String value = (String) request.getField(descriptor);
      if (!value.isEmpty()) {
        span.setAttribute(field, value);
      }
    }
  }
}
