package signup.common.metrics;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * gRFC A66's server series: {@code grpc.server.call.started} by method, and
 * {@code grpc.server.call.duration} by method and status, from the call's start to its close
 * (its count by status is the call count by status). Installed on the whole server, so it sees
 * the status that reaches the caller, after the exception mapping.
 */
final class GrpcServerMetrics implements ServerInterceptor {
  private static final Duration[] BUCKETS = A66.latencyBuckets();

  private final MeterRegistry registry;

  GrpcServerMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Counter.builder("grpc.server.call.started")
        .description("gRPC calls started on this server, by method (gRFC A66)")
        .tag(A66.METHOD, method)
        .register(registry)
        .increment();
    long start = System.nanoTime();
    AtomicBoolean recorded = new AtomicBoolean();
    Runnable cancelled = () -> record(method, Status.Code.CANCELLED, start, recorded);
    ServerCall<Q, R> timed = new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        record(method, status.getCode(), start, recorded);
        super.close(status, trailers);
      }
    };
    return new SimpleForwardingServerCallListener<>(next.startCall(timed, headers)) {
      @Override
      public void onCancel() {
        // The caller went away (its deadline, a cancel): no close() will come.
        cancelled.run();
        super.onCancel();
      }
    };
  }

  private void record(String method, Status.Code code, long start, AtomicBoolean recorded) {
    if (!recorded.compareAndSet(false, true)) {
      return;
    }
    Timer.builder("grpc.server.call.duration")
        .description("gRPC calls answered by this server, from start to close, by method and "
            + "status (gRFC A66)")
        .tag(A66.METHOD, method)
        .tag(A66.STATUS, code.name())
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
