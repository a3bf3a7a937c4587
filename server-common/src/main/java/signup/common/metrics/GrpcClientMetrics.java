package signup.common.metrics;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * gRFC A66's {@code grpc.client.call.duration}: each call this server makes to another, by
 * method, target and status, from start to close (its count by status is the call count by
 * status). A66's per-attempt series need a stream tracer; no call here is retried by gRPC, so
 * each call is one attempt.
 */
final class GrpcClientMetrics implements ClientInterceptor {
  private static final Duration[] BUCKETS = A66.latencyBuckets();

  private final MeterRegistry registry;
  private final String target;
  // Found once per method and status rather than built and looked up on every call.
  private final Map<String, Map<Status.Code, Timer>> durations = new ConcurrentHashMap<>();

  GrpcClientMetrics(MeterRegistry registry, String target) {
    this.registry = registry;
    this.target = target;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
      CallOptions callOptions, Channel next) {
    String name = method.getFullMethodName();
    return new SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {
      @Override
      public void start(Listener<R> responseListener, Metadata headers) {
        long start = System.nanoTime();
        super.start(new SimpleForwardingClientCallListener<>(responseListener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            durations.computeIfAbsent(name, m -> new ConcurrentHashMap<>())
                .computeIfAbsent(status.getCode(), code -> Timer.builder(
                        "grpc.client.call.duration")
                    .description("gRPC calls made by this server, from start to close, by "
                        + "method, target and status (gRFC A66)")
                    .tag(A66.METHOD, name)
                    .tag(A66.TARGET, target)
                    .tag(A66.STATUS, code.name())
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry))
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            super.onClose(status, trailers);
          }
        }, headers);
      }
    };
  }
}
