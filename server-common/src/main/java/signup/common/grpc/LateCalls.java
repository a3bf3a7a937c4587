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
import java.time.Duration;
import signup.common.domain.TooLateException;

/**
 * Tells the connections which of their calls were too late to start: those whose deadline had
 * passed when gRPC handed them to the server (gRPC still decodes, starts and then cancels each
 * one), and those closed with a status caused by a {@link TooLateException} (the service judged,
 * before doing anything, that the call's deadline leaves it too little). A client that sends such calls by the thousand, as
 * a flood of 1 ms deadlines does, costs the server their HTTP/2 work and no refusal can make
 * that cheaper; past {@code maxPerSecond} of them its connection is left unread, then closed
 * ({@link NettyConnections.ConnectionCap#lateCall}). The judgment is the service's own, so a
 * call refused for anything else (the admission limit, bad input) never counts.
 */
final class LateCalls implements ServerInterceptor {
  private final NettyConnections.ConnectionCap connections;
  private final int maxPerSecond;
  private final Duration penalty;

  LateCalls(NettyConnections.ConnectionCap connections, int maxPerSecond, Duration penalty) {
    this.connections = connections;
    this.maxPerSecond = maxPerSecond;
    this.penalty = penalty;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
      Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    // The call's own context: gRPC starts the interceptors in it.
    Deadline deadline = Context.current().getDeadline();
    if (deadline != null && deadline.isExpired()) {
      count(call);
      return next.startCall(call, headers);
    }
    return next.startCall(new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        if (status.getCause() instanceof TooLateException) {
          count(call);
        }
        super.close(status, trailers);
      }
    }, headers);
  }

  private void count(ServerCall<?, ?> call) {
    connections.lateCall(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), maxPerSecond,
        penalty);
  }
}
