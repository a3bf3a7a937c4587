package signup.common.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.SocketAddress;
import signup.common.domain.TooLateException;

/**
 * Tells the {@link LateCallPenalty} which calls came too late to start: those whose deadline
 * had passed when gRPC handed them over (gRPC still decodes, starts and then cancels each one),
 * and those closed with a status caused by a {@link TooLateException} (the service judged,
 * before doing anything, that the call's deadline leaves it too little). The judgment is the
 * service's own, so a call refused for anything else (the admission limit, bad input) never
 * counts.
 */
final class LateCalls implements ServerInterceptor {
  private final LateCallPenalty penalty;

  LateCalls(LateCallPenalty penalty) {
    this.penalty = penalty;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
      Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    // The call's own context: gRPC starts the interceptors in it.
    Deadline deadline = Context.current().getDeadline();
    if (deadline != null && deadline.isExpired()) {
      penalty.expiredOnArrival(peer);
      return next.startCall(call, headers);
    }
    return next.startCall(new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        try {
          if (status.getCause() instanceof TooLateException) {
            // Before the answer is written: the connection stops being read before its client
            // can send the next call.
            penalty.refusedAsLate(peer);
          }
        } finally {
          super.close(status, trailers);
        }
      }
    }, headers);
  }
}
