package signup.orchestrator;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.HandlerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Network faults in front of a real server, for end-to-end tests: a gRPC proxy that forwards
 * every unary call as bytes and, per method, can hold calls (for a while, or until released) or
 * lose replies (the call is forwarded and carried out, but the caller gets UNAVAILABLE), or play
 * an older server that has no such method; a port that accepts connections and never answers
 * ({@link Blackhole}); a port that refuses them ({@link #refusingPort()}).
 */
public final class FaultyProxy implements AutoCloseable {
  public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private final ManagedChannel upstream;
  private final Server server;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final Map<String, Duration> delays = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> repliesToLose = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> unknown = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> holds = new ConcurrentHashMap<>();
  private final Map<String, UnaryOperator<byte[]>> rewrites = new ConcurrentHashMap<>();

  private FaultyProxy(String upstreamTarget) throws IOException {
    upstream = ManagedChannelBuilder.forTarget(upstreamTarget).usePlaintext().build();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .fallbackHandlerRegistry(new Forwarding())
        .build()
        .start();
  }

  /** A proxy on a free port that forwards everything to {@code upstreamTarget}, for a start. */
  public static FaultyProxy inFrontOf(String upstreamTarget) {
    try {
      return new FaultyProxy(upstreamTarget);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A port on which nothing listens: connections are refused. */
  public static int refusingPort() {
    return SignupSystem.freePort();
  }

  public String target() {
    return "127.0.0.1:" + server.getPort();
  }

  /** Holds every call of {@code method} for {@code delay} before forwarding it. */
  public FaultyProxy delay(MethodDescriptor<?, ?> method, Duration delay) {
    delays.put(method.getFullMethodName(), delay);
    return this;
  }

  /** Holds every call of {@code method} until {@link #release} (or {@link #heal}). */
  public FaultyProxy hold(MethodDescriptor<?, ?> method) {
    holds.put(method.getFullMethodName(), new CompletableFuture<>());
    return this;
  }

  /** Forwards the calls of {@code method} held so far, and every later one at once. */
  public void release(MethodDescriptor<?, ?> method) {
    CompletableFuture<Void> held = holds.remove(method.getFullMethodName());
    if (held != null) {
      held.complete(null);
    }
  }

  /** Forwards the next {@code count} calls of {@code method} but answers them UNAVAILABLE. */
  public FaultyProxy loseReplies(MethodDescriptor<?, ?> method, int count) {
    repliesToLose.put(method.getFullMethodName(), new AtomicInteger(count));
    return this;
  }

  /**
   * Passes each successful reply of {@code method} on as {@code rewrite} makes it (the reply's
   * bytes, as the upstream server encoded them): a server answering something else than asked.
   */
  public FaultyProxy rewriteReplies(MethodDescriptor<?, ?> method, UnaryOperator<byte[]> rewrite) {
    rewrites.put(method.getFullMethodName(), rewrite);
    return this;
  }

  /**
   * Answers every call of {@code method} UNIMPLEMENTED, without forwarding it, as a server of a
   * version that has no such method does.
   */
  public FaultyProxy without(MethodDescriptor<?, ?> method) {
    unknown.put(method.getFullMethodName(), new AtomicInteger());
    return this;
  }

  /** How many calls of a method {@link #without} took have been answered UNIMPLEMENTED. */
  public int refusedAsUnknown(MethodDescriptor<?, ?> method) {
    AtomicInteger refused = unknown.get(method.getFullMethodName());
    return refused == null ? 0 : refused.get();
  }

  /** From now on, forwards every call at once and passes every reply on. */
  public void heal() {
    delays.clear();
    repliesToLose.clear();
    rewrites.clear();
    holds.values().forEach(held -> held.complete(null));
    holds.clear();
  }

  /** How many calls of {@code method} the upstream server has answered (lost replies count). */
  public int answered(MethodDescriptor<?, ?> method) {
    return answered.computeIfAbsent(method.getFullMethodName(), m -> new AtomicInteger()).get();
  }

  private void forward(String method, Metadata headers, byte[] request,
      StreamObserver<byte[]> replies) {
    // The caller's own headers go along (the internal services want their token); the
    // transport's (content-type, te, user-agent, grpc-*) are the upstream call's own business.
    Metadata passed = new Metadata();
    for (String key : headers.keys()) {
      if (!key.startsWith("grpc-") && !key.endsWith(Metadata.BINARY_HEADER_SUFFIX)
          && !List.of("content-type", "te", "user-agent").contains(key)) {
        Metadata.Key<String> name = Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER);
        headers.getAll(name).forEach(value -> passed.put(name, value));
      }
    }
    Channel withHeaders = ClientInterceptors.intercept(upstream,
        MetadataUtils.newAttachHeadersInterceptor(passed));
    Runnable send = () -> Futures.addCallback(
        ClientCalls.futureUnaryCall(withHeaders.newCall(bytesMethod(method),
            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)), request),
        new FutureCallback<>() {
          @Override
          public void onSuccess(byte[] reply) {
            if (!loseReply(method)) {
              replies.onNext(rewrites.getOrDefault(method, UnaryOperator.identity()).apply(reply));
              replies.onCompleted();
            }
          }

          @Override
          public void onFailure(Throwable t) {
            if (!loseReply(method)) {
              Metadata trailers = Status.trailersFromThrowable(t);
              replies.onError(Status.fromThrowable(t).asRuntimeException(
                  trailers == null ? new Metadata() : trailers));
            }
          }

          private boolean loseReply(String name) {
            answered.computeIfAbsent(name, m -> new AtomicInteger()).incrementAndGet();
            AtomicInteger left = repliesToLose.get(name);
            if (left == null || left.getAndDecrement() <= 0) {
              return false;
            }
            replies.onError(Status.UNAVAILABLE.withDescription("reply lost by the proxy")
                .asRuntimeException());
            return true;
          }
        }, MoreExecutors.directExecutor());
    // Detached from the caller: a request once sent arrives, even after its caller gave up.
    Runnable detached = Context.current().fork().wrap(send);
    Duration delay = delays.get(method);
    CompletableFuture<Void> held = holds.get(method);
    if (held != null) {
      held.thenRun(detached);
    } else if (delay == null) {
      detached.run();
    } else {
      timer.schedule(detached, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static MethodDescriptor<byte[], byte[]> bytesMethod(String fullMethodName) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullMethodName)
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  /** Every method name is served by forwarding it (all the system's methods are unary). */
  private final class Forwarding extends HandlerRegistry {
    @Override
    public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
      AtomicInteger refused = unknown.get(methodName);
      if (refused != null) {
        // No such method here: the server answers UNIMPLEMENTED, as gRPC does for any.
        refused.incrementAndGet();
        return null;
      }
      ServerCallHandler<byte[], byte[]> handler = (call, headers) -> ServerCalls
          .<byte[], byte[]>asyncUnaryCall(
              (request, replies) -> forward(methodName, headers, request, replies))
          .startCall(call, headers);
      return ServerMethodDefinition.create(bytesMethod(methodName), handler);
    }
  }

  @Override
  public void close() {
    server.shutdownNow();
    timer.shutdownNow();
    upstream.shutdownNow();
  }

  /** A port where TCP connections are accepted and then never answered, nor closed. */
  public static final class Blackhole implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    public Blackhole() {
      try {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Thread acceptor = new Thread(this::acceptForever, "blackhole-" + socket.getLocalPort());
      acceptor.setDaemon(true);
      acceptor.start();
    }

    public String target() {
      return "127.0.0.1:" + socket.getLocalPort();
    }

    private void acceptForever() {
      try {
        while (true) {
          held.add(socket.accept());
        }
      } catch (IOException closed) {
        // close() was called
      }
    }

    @Override
    public void close() {
      try {
        socket.close();
        for (Socket connection : held) {
          connection.close();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
