package signup.common.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;

/**
 * Lets service implementations simply throw domain exceptions: whatever escapes a handler is
 * closed with the status the server's mapper chooses, so nothing reaches the wire as UNKNOWN or
 * with a stack trace. A handler that answers later, from a callback, passes the domain exception
 * to {@code onError}: gRPC turns it into UNKNOWN with the exception as cause, and the close is
 * mapped here the same way.
 */
public final class ExceptionMappingInterceptor implements ServerInterceptor {
  private final ExceptionMapper mapper;

  public ExceptionMappingInterceptor(ExceptionMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
      Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    ServerCall<ReqT, RespT> mapped = new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        Throwable cause = status.getCause();
        if (status.getCode() == Status.Code.UNKNOWN && cause != null
            && !(cause instanceof StatusRuntimeException) && !(cause instanceof StatusException)) {
          StatusRuntimeException chosen = mapper.toStatus(cause);
          super.close(chosen.getStatus(),
              chosen.getTrailers() != null ? chosen.getTrailers() : new Metadata());
          return;
        }
        super.close(status, trailers);
      }
    };
    return intercepted(mapped, headers, next);
  }

  private <ReqT, RespT> ServerCall.Listener<ReqT> intercepted(ServerCall<ReqT, RespT> call,
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
