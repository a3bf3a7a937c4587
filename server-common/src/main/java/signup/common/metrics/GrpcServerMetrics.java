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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
  // Found once per method and status rather than built and looked up on every call.
  private final Map<String, Counter> started = new ConcurrentHashMap<>();
  private final Map<String, Map<Status.Code, Timer>> durations = new ConcurrentHashMap<>();

  GrpcServerMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    started.computeIfAbsent(method, m -> Counter.builder("grpc.server.call.started")
            .description("gRPC calls started on this server, by method (gRFC A66)")
            .tag(A66.METHOD, m)
            .register(registry))
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
    durations.computeIfAbsent(method, m -> new ConcurrentHashMap<>())
        .computeIfAbsent(code, c -> Timer.builder("grpc.server.call.duration")
            .description("gRPC calls answered by this server, from start to close, by method "
                + "and status (gRFC A66)")
            .tag(A66.METHOD, method)
            .tag(A66.STATUS, c.name())
            .serviceLevelObjectives(BUCKETS)
            .register(registry))
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }
}
