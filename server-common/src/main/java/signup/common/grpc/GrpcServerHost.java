package signup.common.grpc;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.metrics.Metrics;
import signup.common.tracing.Tracing;

/**
 * One gRPC server with what every server of the system has: per-service health (NOT_SERVING
 * while starting, draining, or while its store cannot take writes), reflection v1 and v1alpha,
 * one exception mapper (which also answers requests that do not parse), a cap on message size,
 * on a network transport a {@link ConnectionPolicy} (handshake, idle and age limits, keep-alive
 * rules, a cap on connections), gRFC A66's call series and an HTTP {@code /metrics} endpoint
 * ({@link Metrics}), and a graceful stop that drains in-flight calls before closing what the
 * server owns. Built from a {@link ServerBuilder} so that main and the tests
 * (in-process) build it alike.
 */
public final class GrpcServerHost implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GrpcServerHost.class);
  /** Requests here are a few hundred bytes; anything near this is abuse. */
  public static final int MAX_INBOUND_MESSAGE_BYTES = 64 * 1024;

  private final String name;
  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  private final List<String> serviceNames = new ArrayList<>();
  private final List<AutoCloseable> owned;
  private final Duration drainTimeout;
  private final BlockingCalls blockingCalls;
  /** Null unless the server runs on Netty. */
  private final NettyConnections connections;
  private final Metrics metrics;
  private final Tracing tracing;
  private boolean closed;
  // Guarded by healthLock rather than by this: the store reports from its writer thread, which
  // close() waits for while holding this (it closes the database).
  private final Object healthLock = new Object();
  private boolean listening;
  private boolean storeWritable = true;
  private boolean draining;

  /** With the {@link ConnectionPolicy#DEFAULTS default connection policy}. */
  public GrpcServerHost(String name, ServerBuilder<?> builder, List<BindableService> services,
      ExceptionMapper mapper, List<ServerInterceptor> interceptors, List<AutoCloseable> owned,
      Duration drainTimeout) {
    this(name, builder, services, mapper, interceptors, owned, drainTimeout,
        ConnectionPolicy.DEFAULTS);
  }

  /** Without traces. */
  public GrpcServerHost(String name, ServerBuilder<?> builder, List<BindableService> services,
      ExceptionMapper mapper, List<ServerInterceptor> interceptors, List<AutoCloseable> owned,
      Duration drainTimeout, ConnectionPolicy connectionPolicy, Metrics metrics) {
    this(name, builder, services, mapper, interceptors, owned, drainTimeout, connectionPolicy,
        metrics, Tracing.off());
  }

  /** With metrics recorded but served nowhere. */
  public GrpcServerHost(String name, ServerBuilder<?> builder, List<BindableService> services,
      ExceptionMapper mapper, List<ServerInterceptor> interceptors, List<AutoCloseable> owned,
      Duration drainTimeout, ConnectionPolicy connectionPolicy) {
    this(name, builder, services, mapper, interceptors, owned, drainTimeout, connectionPolicy,
        Metrics.unserved());
  }

  /**
   * @param owned closed after the server has drained, in order (e.g. sweepers, then the database)
   * @param connectionPolicy applied when {@code builder} is a Netty one (an in-process server
   *     has no connections)
   * @param metrics the server's registry: every call is timed into it, its endpoint starts
   *     with the server and it is closed last
   * @param tracing a span for every call when on; closed (its spans flushed) last
   */
  public GrpcServerHost(String name, ServerBuilder<?> builder, List<BindableService> services,
      ExceptionMapper mapper, List<ServerInterceptor> interceptors, List<AutoCloseable> owned,
      Duration drainTimeout, ConnectionPolicy connectionPolicy, Metrics metrics,
      Tracing tracing) {
    this(name, builder, services, mapper, interceptors, owned, drainTimeout, connectionPolicy,
        metrics, tracing, new BlockingCalls(name, BlockingCalls.THREADS, BlockingCalls.ADMITTED));
  }

  /** With the pool for blocking calls given: the tests' way to a small one. */
  GrpcServerHost(String name, ServerBuilder<?> builder, List<BindableService> services,
      ExceptionMapper mapper, List<ServerInterceptor> interceptors, List<AutoCloseable> owned,
      Duration drainTimeout, BlockingCalls blockingCalls) {
    this(name, builder, services, mapper, interceptors, owned, drainTimeout,
        ConnectionPolicy.DEFAULTS, blockingCalls);
  }

  /** With a connection policy and the pool for blocking calls given. */
  GrpcServerHost(String name, ServerBuilder<?> builder, List<BindableService> services,
      ExceptionMapper mapper, List<ServerInterceptor> interceptors, List<AutoCloseable> owned,
      Duration drainTimeout, ConnectionPolicy connectionPolicy, BlockingCalls blockingCalls) {
    this(name, builder, services, mapper, interceptors, owned, drainTimeout, connectionPolicy,
        Metrics.unserved(), Tracing.off(), blockingCalls);
  }

  private GrpcServerHost(String name, ServerBuilder<?> builder, List<BindableService> services,
      ExceptionMapper mapper, List<ServerInterceptor> interceptors, List<AutoCloseable> owned,
      Duration drainTimeout, ConnectionPolicy connectionPolicy, Metrics metrics, Tracing tracing,
      BlockingCalls blockingCalls) {
    this.name = name;
    this.metrics = metrics;
    this.tracing = tracing;
    this.owned = List.copyOf(owned);
    this.drainTimeout = drainTimeout;
    ExceptionMappingInterceptor mapping = new ExceptionMappingInterceptor(mapper);
    List<ServerInterceptor> inside = new ArrayList<>(interceptors);
    // Outermost of them, so the request's txn_id is in the MDC for all of them and the handler.
    inside.add(tracing.requestIds());
    Set<String> nonBlocking = new HashSet<>(); // full method names
    for (BindableService service : services) {
      ServerServiceDefinition definition = service.bindService();
      serviceNames.add(definition.getServiceDescriptor().getName());
      if (service instanceof NonBlockingService marked) {
        for (var method : definition.getMethods()) {
          if (marked.nonBlocking(method.getMethodDescriptor())) {
            nonBlocking.add(method.getMethodDescriptor().getFullMethodName());
          }
        }
      }
      // Outermost the mapping, around everything else: around the parsing of the request too,
      // so that a request that does not parse is answered like any other bad input.
      builder.addService(ServerInterceptors.intercept(RequestParsing.inCall(
          ServerInterceptors.intercept(definition, inside)), mapping));
      health.setStatus(definition.getServiceDescriptor().getName(), ServingStatus.NOT_SERVING);
    }
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
    this.connections = builder instanceof NettyServerBuilder netty
        ? NettyConnections.apply(netty, connectionPolicy, name) : null;
    // Health and reflection answer from memory: on the transport thread, so that a health
    // check is answered even while the blocking calls' pool is full.
    List<BindableService> inMemory = List.of(health.getHealthService(),
        ProtoReflectionServiceV1.newInstance(), ProtoReflectionService.newInstance());
    for (BindableService service : inMemory) {
      ServerServiceDefinition definition = service.bindService();
      for (var method : definition.getMethods()) {
        nonBlocking.add(method.getMethodDescriptor().getFullMethodName());
      }
      builder.addService(definition);
    }
    this.blockingCalls = blockingCalls;
    // On the whole server, outside every service's interceptors: they see each call's final
    // status, the exception mapping's included, and health and reflection calls too. Tracing
    // added last, so outermost: every other interceptor and the handler run in the call's span.
    builder.intercept(metrics.serverInterceptor());
    tracing.serverInterceptor().ifPresent(builder::intercept);
    this.server = builder
        // Finding the method on the transport thread; then a non-blocking service's call stays
        // there, every other moves to the bounded pool (or is refused when it is full).
        .directExecutor()
        .callExecutor(new ServerCallExecutorSupplier() {
          @Override
          public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call,
              Metadata headers) {
            return nonBlocking.contains(call.getMethodDescriptor().getFullMethodName())
                ? MoreExecutors.directExecutor() : blockingCalls.executorFor(call);
          }
        })
        .intercept(blockingCalls)
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
        .build();
  }

  /**
   * Starts listening and reports SERVING.
   *
   * @throws PortInUseException when another process holds the port (the host is then closed)
   */
  public GrpcServerHost start() {
    try {
      server.start();
    } catch (IOException e) {
      // Built but not listening: it already owns an open database, perhaps a sweeper. Every
      // caller would have to close it; closing here means none can forget.
      close();
      if (causedByBind(e)) {
        throw new PortInUseException(name + ": cannot listen, the address is already in use ("
            + e.getMessage() + "). Stop the other server or choose another --port.", e);
      }
      throw new IllegalStateException(name + ": cannot start: " + e.getMessage(), e);
    }
    try {
      metrics.start();
    } catch (UncheckedIOException e) {
      close();
      if (causedByBind(e)) {
        throw new PortInUseException(name + ": cannot serve metrics, the address is already in "
            + "use (" + e.getMessage() + "). Stop the other server or choose another "
            + "--metrics-port.", e);
      }
      throw new IllegalStateException(name + ": cannot serve metrics: " + e.getMessage(), e);
    }
    synchronized (healthLock) {
      listening = true;
      reportHealth();
    }
    log.info("{} listening on port {}", name, port());
    metrics.port().ifPresent(p -> log.info("{} metrics on port {}", name, p));
    return this;
  }

  /**
   * Whether the server's store takes writes: while it does not (disk full, file not writable),
   * every service reports NOT_SERVING, so that a load balancer sends its calls elsewhere; calls
   * that come anyway are answered with the store's status. Any thread may call it.
   */
  public void storeWritable(boolean writable) {
    synchronized (healthLock) {
      if (storeWritable != writable) {
        storeWritable = writable;
        reportHealth();
      }
    }
  }

  private void reportHealth() {
    if (draining) {
      return; // terminal: NOT_SERVING for good
    }
    ServingStatus status = listening && storeWritable
        ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    for (String service : serviceNames) {
      health.setStatus(service, status);
    }
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
  }

  /** The port actually bound (the chosen one when started on port 0). */
  public int port() {
    return server.getPort();
  }

  public String name() {
    return name;
  }

  /** The server's metrics (its registry, and its endpoint's port once started). */
  public Metrics metrics() {
    return metrics;
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Reports NOT_SERVING, stops accepting calls, waits for in-flight calls to finish (up to the
   * drain timeout), then closes what the server owns. Safe to call more than once.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    synchronized (healthLock) {
      draining = true;
      health.enterTerminalState();
    }
    server.shutdown();
    try {
      if (!server.awaitTermination(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("{}: calls still running after {} ms; cancelling them", name,
            drainTimeout.toMillis());
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    if (connections != null) {
      connections.close();
    }
    blockingCalls.close();
    for (AutoCloseable resource : owned) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("{}: closing {} failed: {}", name, resource, e.getMessage());
      }
    }
    metrics.close();
    tracing.close();
    log.info("{} stopped", name);
  }

  private static boolean causedByBind(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      // Netty's native epoll/kqueue transports report EADDRINUSE as their own IOException, not
      // as a BindException: recognise the OS's text too.
      if (t instanceof BindException
          || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
        return true;
      }
    }
    return false;
  }

  /** The port is taken by another process. */
  public static final class PortInUseException extends RuntimeException {
    PortInUseException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
