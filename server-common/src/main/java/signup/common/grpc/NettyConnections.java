package signup.common.grpc;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler.Sharable;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ConnectionPolicy} on a Netty server. The timeouts and keep-alive rules are the
 * builder's own settings. A cap on connections is not (grpc/grpc-java#1886), and a filter on
 * gRPC's transports would come too late: gRPC sees a connection only once its handshake is
 * done, and the connections that never finish one are the cheapest to open by the thousand. So
 * the cap is a handler on the listening socket, which sees each accepted connection before any
 * byte of it is read, counts it until it closes, and closes at once one past the cap.
 *
 * <p>Netty builds a server's listening channel through our factory only when the server runs on
 * event loops of our own (NettyServerBuilder refuses one without the other), so this owns them:
 * one thread accepting, and Netty's default number of I/O threads (which {@link NettyTuning}
 * sets), on epoll where it is available as gRPC's defaults are; {@link #close()} shuts them down
 * once the server has terminated.
 *
 * <p>The same handler hands each accepted connection to the {@link LateCallPenalty} when the
 * policy limits late calls, which is how that can stop reading one.
 */
final class NettyConnections implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NettyConnections.class);
  /** At most one line per this about refused connections: a flood must not flood the log. */
  private static final Duration REFUSAL_LOG_PERIOD = Duration.ofMinutes(1);
  /**
   * Calls open at once on one connection (HTTP/2 MAX_CONCURRENT_STREAMS; gRPC's default is no
   * limit): a client past it queues its calls on its side. Well above the orchestrator's 256
   * sign-ups in flight, which one benchmark channel carries.
   */
  static final int MAX_CALLS_PER_CONNECTION = 1_000;
  /**
   * Bytes a client may send on a connection, and on each of its calls, before the server has
   * read them (gRPC's default: 1 MiB, each). Requests here are a few hundred bytes and at most
   * 64 KiB, so this bounds what a client that writes and never lets the server catch up can
   * make it hold, with room for 256 calls of ordinary size at once.
   */
  static final int FLOW_CONTROL_WINDOW = 256 * 1024;

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;

  private NettyConnections(EventLoopGroup boss, EventLoopGroup workers) {
    this.boss = boss;
    this.workers = workers;
  }

  /** Sets {@code policy} on {@code builder}; the caller closes the result after the server. */
  static NettyConnections apply(NettyServerBuilder builder, ConnectionPolicy policy,
      String name) {
    builder
        .handshakeTimeout(policy.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .maxConnectionIdle(policy.maxIdle().toMillis(), TimeUnit.MILLISECONDS)
        .maxConnectionAge(policy.maxAge().toMillis(), TimeUnit.MILLISECONDS)
        .maxConnectionAgeGrace(policy.maxAgeGrace().toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTime(policy.keepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(policy.keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveTime(policy.permitKeepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveWithoutCalls(false)
        .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
        .flowControlWindow(FLOW_CONTROL_WINDOW);

    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1,
        new DefaultThreadFactory(name + "-accept", true), io);
    // 0: Netty's default count, from the property NettyTuning sets.
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0,
        new DefaultThreadFactory(name + "-io", true), io);
    Consumer<Channel> accepted = connection -> { };
    if (policy.maxLateCallsPerSecond() > 0) {
      LateCallPenalty penalty = new LateCallPenalty(name, policy.maxLateCallsPerSecond(),
          ConnectionPolicy.LATE_CALLS_PENALTY);
      builder.intercept(new LateCalls(penalty));
      accepted = penalty::track;
    }
    ConnectionCap cap = new ConnectionCap(name, policy.maxConnections(), accepted);
    builder.bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .channelFactory(() -> {
          ServerChannel listening =
              epoll ? new EpollServerSocketChannel() : new NioServerSocketChannel();
          // First in the pipeline: before the acceptor that the bootstrap adds at registration.
          listening.pipeline().addLast(cap);
          return listening;
        });
    return new NettyConnections(boss, workers);
  }

  @Override
  public void close() {
    workers.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    workers.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
    boss.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "event loops";
  }

  /**
   * On the listening channel: each message read there is an accepted connection, not yet
   * registered with an event loop.
   */
  @Sharable
  static final class ConnectionCap extends ChannelInboundHandlerAdapter {
    private final String name;
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Consumer<Channel> accepted;
    private final CountPerPeriod refusals = new CountPerPeriod(REFUSAL_LOG_PERIOD);

    /** @param accepted told of each connection let through, before it is registered */
    ConnectionCap(String name, int max, Consumer<Channel> accepted) {
      this.name = name;
      this.max = max;
      this.accepted = accepted;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Channel connection = (Channel) msg;
      if (open.incrementAndGet() > max) {
        open.decrementAndGet();
        // As Netty's own acceptor closes a connection it cannot register: never registered,
        // so nothing else holds it.
        connection.unsafe().closeForcibly();
        logRefusal();
        return;
      }
      // A connection whose registration fails is closed without completing this future and
      // stays counted; that happens only while the event loops shut down, with the server.
      connection.closeFuture().addListener(closed -> open.decrementAndGet());
      accepted.accept(connection);
      ctx.fireChannelRead(connection);
    }

    private void logRefusal() {
      long refused = refusals.countAndReport();
      if (refused > 0) {
        log.warn("{}: {} connection(s) refused: {} open already, the most allowed "
            + "(--max-connections)", name, refused, max);
      }
    }
  }
}
