package signup.common.metrics;

import java.time.Duration;
import java.util.Arrays;

/**
 * gRFC A66 (OpenTelemetry metrics for gRPC): its series names, attribute names and latency
 * buckets, so that the series here read as grpc-java's own OpenTelemetry module would write
 * them ({@code grpc_server_call_duration_seconds{grpc_method, grpc_status}} once in Prometheus).
 */
final class A66 {
  static final String METHOD = "grpc.method";
  static final String STATUS = "grpc.status";
  static final String TARGET = "grpc.target";

  /** A66's bucket boundaries for latency, in seconds. */
  private static final double[] LATENCY_SECONDS = {0.00001, 0.00005, 0.0001, 0.0003, 0.0006,
      0.0008, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.013, 0.016, 0.02, 0.025,
      0.03, 0.04, 0.05, 0.065, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3, 0.4, 0.5, 0.65, 0.8, 1, 2,
      5, 10, 20, 50, 100};

  private A66() {}

  static Duration[] latencyBuckets() {
    return Arrays.stream(LATENCY_SECONDS)
        .mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9)))
        .toArray(Duration[]::new);
  }
}
