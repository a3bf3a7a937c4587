package signup.common.metrics;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.OptionalInt;

/**
 * One server's metrics: a registry of its own (passed to every piece that records, never a
 * global one: {@code signup up} runs three servers in one JVM, each with its own endpoint), the
 * JVM's and the process's series, the gRPC interceptors, and the HTTP endpoint that serves them
 * in Prometheus's text format.
 *
 * <p>Micrometer rather than OpenTelemetry for the metrics: OpenTelemetry's Prometheus exporter
 * is not served by the Maven proxy here, so its metrics could not reach a {@code /metrics}
 * page; Micrometer's Prometheus registry can, and its binders give the JVM's series. The gRPC
 * series still carry gRFC A66's names ({@link GrpcServerMetrics}, {@link GrpcClientMetrics}),
 * so that dashboards made for grpc-java's own OpenTelemetry module work on them.
 */
public final class Metrics implements AutoCloseable {
  /** The port that turns the endpoint off. */
  public static final int OFF = -1;

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final String bind;
  private final int port;
  private MetricsEndpoint endpoint;
  private boolean closed;

  private Metrics(String bind, int port) {
    if (port < OFF || port > 65_535) {
      throw new IllegalArgumentException("metrics port must be -1 (off) or 0-65535, not " + port);
    }
    this.bind = bind;
    this.port = port;
    // Two of ProcessorMetrics' series break Prometheus's naming rules (promtool says so):
    // process_cpu_time_ns_total (an abbreviated unit) is replaced by process_cpu_seconds_total,
    // Prometheus's usual name; system_cpu_count (a "_count" that is not a histogram's) goes.
    registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")
        || id.getName().equals("system.cpu.count")));
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9)
          .description("CPU time the process has used, all threads")
          .baseUnit("seconds")
          .register(registry);
    }
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /**
   * Served on {@code bind:port} once {@link #start() started}: 0 picks a free port,
   * {@value #OFF} serves nothing (the series are still recorded, and {@link #scrape()} reads
   * them).
   */
  public static Metrics serving(String bind, int port) {
    return new Metrics(bind, port);
  }

  /** Recorded but served by no endpoint (in-process tests, hosts built without metrics). */
  public static Metrics unserved() {
    return new Metrics("127.0.0.1", OFF);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Every series now, in Prometheus's text format, as {@code /metrics} serves it. */
  public String scrape() {
    return registry.scrape();
  }

  /** Times every call the server answers, by method and status (gRFC A66's server series). */
  public ServerInterceptor serverInterceptor() {
    return new GrpcServerMetrics(registry);
  }

  /** {@code channel} with every call timed by method and status (A66's client series). */
  public Channel intercept(Channel channel, String target) {
    return ClientInterceptors.intercept(channel, new GrpcClientMetrics(registry, target));
  }

  /**
   * Starts the endpoint, unless it is off.
   *
   * @throws java.io.UncheckedIOException when the port cannot be bound (in use, no such address)
   */
  public synchronized void start() {
    if (port != OFF && endpoint == null && !closed) {
      endpoint = MetricsEndpoint.start(bind, port, registry);
    }
  }

  /** The port the endpoint listens on, once started; empty when it is off. */
  public synchronized OptionalInt port() {
    return endpoint == null ? OptionalInt.empty() : OptionalInt.of(endpoint.port());
  }

  /** The port asked for: {@value #OFF} when off, 0 for a free one. */
  public int requestedPort() {
    return port;
  }

  /** Stops the endpoint and the GC listener. Safe to call more than once. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (endpoint != null) {
      endpoint.close();
    }
    gc.close();
    registry.close();
  }
}
