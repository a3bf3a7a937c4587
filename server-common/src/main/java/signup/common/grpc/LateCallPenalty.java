package signup.common.grpc;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelOutboundHandlerAdapter;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open connections by their peer's address, and each one's calls that came too late to
 * start ({@link LateCalls} reports them). Past {@code maxPerSecond} of them within a second, a
 * connection is left unread and closed {@code penalty} later. A call refused before it starts
 * still costs the server its HTTP/2 work, about 0.1 ms of CPU; the only way to make such calls
 * cost nothing is not to read them. Closing the connection drops what its client sent
 * meanwhile, unread; a gRPC client does not open another while its connection is open, so one
 * that floods gets {@code maxPerSecond} calls' worth per {@code penalty}.
 */
final class LateCallPenalty {
  private static final Logger log = LoggerFactory.getLogger(LateCallPenalty.class);
  /** At most one line per this: a flood must not flood the log. */
  private static final Duration LOG_PERIOD = Duration.ofMinutes(1);

  private final String name;
  private final int maxPerSecond;
  private final Duration penalty;
  /** gRPC's TRANSPORT_ATTR_REMOTE_ADDR is the Netty channel's remoteAddress(), this key. */
  private final Map<SocketAddress, Tracked> byPeer = new ConcurrentHashMap<>();
  private final CountPerPeriod penalties = new CountPerPeriod(LOG_PERIOD);

  LateCallPenalty(String name, int maxPerSecond, Duration penalty) {
    this.name = name;
    this.maxPerSecond = maxPerSecond;
    this.penalty = penalty;
  }

  /** Keeps {@code connection}, just accepted, until it closes. */
  void track(Channel connection) {
    SocketAddress peer = connection.remoteAddress();
    if (peer == null) {
      return;
    }
    Tracked tracked = new Tracked(connection);
    byPeer.put(peer, tracked);
    connection.closeFuture().addListener(closed -> byPeer.remove(peer, tracked));
  }

  /**
   * Counts a call of {@code peer}'s connection that the service refused as too late to start.
   * A peer not (or no longer) open here is ignored.
   */
  void refusedAsLate(SocketAddress peer) {
    Tracked tracked = peer == null ? null : byPeer.get(peer);
    if (tracked != null) {
      count(peer, tracked);
    }
  }

  /**
   * Counts a call of {@code peer}'s connection whose deadline had passed when gRPC handed it
   * over, if it is handed over on the connection's own thread: straight off the wire. A call
   * that expired in one of the server's own queues (a blocking method's pool) says the server
   * was slow, not the client, and is not counted.
   */
  void expiredOnArrival(SocketAddress peer) {
    Tracked tracked = peer == null ? null : byPeer.get(peer);
    if (tracked != null && tracked.connection.eventLoop().inEventLoop()) {
      count(peer, tracked);
    }
  }

  private void count(SocketAddress peer, Tracked tracked) {
    if (!tracked.countLate(System.nanoTime(), maxPerSecond)) {
      return;
    }
    Channel connection = tracked.connection;
    Runnable stopReading = () -> {
      // Netty reads no further once autoRead is off, so what is left of the current read is
      // all the server still decodes. The HTTP/2 decoder asks for a read itself when one
      // decoded no message and autoRead is off; the gate, first in the pipeline, drops those.
      connection.pipeline().addFirst(new NoMoreReads());
      connection.config().setAutoRead(false);
      connection.eventLoop().schedule(() -> connection.close(), penalty.toMillis(),
          TimeUnit.MILLISECONDS);
    };
    try {
      if (connection.eventLoop().inEventLoop()) {
        stopReading.run();
      } else {
        connection.eventLoop().execute(stopReading);
      }
    } catch (RejectedExecutionException stopping) {
      return; // the event loops are shutting down with the server: the connection goes too
    }
    logPenalty(peer);
  }

  private void logPenalty(SocketAddress peer) {
    long penalized = penalties.countAndReport();
    if (penalized > 0) {
      log.warn("{}: {} connection(s) left unread and closed after {} s for more than {} calls "
          + "a second too late to start (--max-late-calls), the last from {}", name,
          penalized, penalty.toSeconds(), maxPerSecond, peer);
    }
  }

  /** Drops every request to read from its connection. */
  private static final class NoMoreReads extends ChannelOutboundHandlerAdapter {
    @Override
    public void read(ChannelHandlerContext ctx) {
      // not passed on: nothing more is read from this connection
    }
  }

  /** An open connection and its late calls in the current second. */
  private static final class Tracked {
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    final Channel connection;
    private long windowStartNanos;
    private int lateInWindow;
    private boolean penalized;

    Tracked(Channel connection) {
      this.connection = connection;
    }

    /** True once, for the call that takes the connection past {@code maxPerSecond}. */
    synchronized boolean countLate(long nowNanos, int maxPerSecond) {
      if (penalized) {
        return false;
      }
      if (lateInWindow == 0 || nowNanos - windowStartNanos > WINDOW_NANOS) {
        windowStartNanos = nowNanos;
        lateInWindow = 0;
      }
      lateInWindow++;
      penalized = lateInWindow > maxPerSecond;
      return penalized;
    }
  }
}
