package signup.common.grpc;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;

/**
 * Lets service implementations simply throw domain exceptions: whatever escapes a handler is
 * closed with the status the server's mapper chooses, so nothing reaches the wire as UNKNOWN or
 * with a stack trace.
 */
public final class ExceptionMappingInterceptor implements ServerInterceptor {
  private final ExceptionMapper mapper;

  public ExceptionMappingInterceptor(ExceptionMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
      Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    ServerCall.Listener<ReqT> delegate;
    try {
      delegate = next.startCall(call, headers);
    } catch (RuntimeException e) {
      close(call, e);
      return new ServerCall.Listener<>() {};
    }
    return new SimpleForwardingServerCallListener<>(delegate) {
      // Once the call is closed for a failure, the handler hears no more of it: a unary
      // handler that never got its request would otherwise try to close the call again.
      private volatile boolean failed;

      @Override
      public void onMessage(ReqT message) {
        if (failed) {
          return;
        }
        try {
          super.onMessage(message);
        } catch (RuntimeException e) {
          failed = true;
          close(call, e);
        }
      }

      @Override
      public void onHalfClose() {
        if (failed) {
          return;
        }
        try {
          super.onHalfClose();
        } catch (RuntimeException e) {
          failed = true;
          close(call, e);
        }
      }
    };
  }

  private <ReqT, RespT> void close(ServerCall<ReqT, RespT> call, RuntimeException e) {
    StatusRuntimeException status = mapper.toStatus(e);
    Metadata trailers = status.getTrailers() != null ? status.getTrailers() : new Metadata();
    try {
      call.close(status.getStatus(), trailers);
    } catch (IllegalStateException alreadyClosed) {
      // The handler closed the call before failing; the caller already has its answer.
    }
  }
}
