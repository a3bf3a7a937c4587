package signup.common.grpc;

import java.time.Duration;

/**
 * How many connections a server holds and for how long. gRPC's own defaults suit a server
 * behind a trusted proxy, not one any client can reach: a connection that never finishes its
 * HTTP/2 handshake is kept two minutes, an idle one and any other for ever, and there is no cap
 * on their number. Tried from outside, 2,000 idle connections (half of them never past the
 * preface) were all still held after 25 s, and near the descriptor limit the orchestrator could
 * no longer open its own files.
 *
 * @param handshakeTimeout how long a new connection may take to send the HTTP/2 preface (and
 *     finish TLS); then it is closed
 * @param maxIdle a connection without a call for this long is closed (GOAWAY: a client opens a
 *     new one on its next call, transparently)
 * @param maxAge every connection is closed after about this long (+/-10%, gRPC's jitter), so
 *     none is held for ever by a client that calls now and then
 * @param maxAgeGrace how long calls still running on a connection past its age may finish
 * @param keepAliveTime the server pings a client it has heard nothing from for this long, to
 *     find connections whose peer is gone
 * @param keepAliveTimeout a ping not answered within this closes the connection
 * @param permitKeepAliveTime clients may ping at most this often, and only while they have
 *     calls: a client pinging faster, or pinging an idle connection to keep it, is told to go
 *     away (GOAWAY ENHANCE_YOUR_CALM), as gRPC's keep-alive rules (A8) have it
 * @param maxConnections connections held at once, counted from accept, handshake or not; one
 *     more is closed at once, before a byte is read. Keep it well under the process's descriptor
 *     limit ({@code ulimit -n}), which the database files and the calls to peers share
 * @param maxLateCallsPerSecond calls one connection may have refused as too late to start
 *     (their deadline leaves less than the server needs) within a second; one more and the
 *     server stops reading from that connection and closes it {@link #LATE_CALLS_PENALTY}
 *     later ({@link LateCallPenalty}). Each such call costs the server its HTTP/2 work, ~0.1
 *     ms of CPU, for nothing: tried on this machine, a client on a core of its own sent 5,400
 *     a second with a 1 ms deadline and left the services a third of their sign-ups. Per
 *     connection: a client that opens many gets this many on each. 0: no limit (the default;
 *     the orchestrator sets one)
 */
public record ConnectionPolicy(Duration handshakeTimeout, Duration maxIdle, Duration maxAge,
    Duration maxAgeGrace, Duration keepAliveTime, Duration keepAliveTimeout,
    Duration permitKeepAliveTime, int maxConnections, int maxLateCallsPerSecond) {

  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_MAX_IDLE = Duration.ofMinutes(2);
  public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(30);
  public static final int DEFAULT_MAX_CONNECTIONS = 1_000;
  /**
   * How long a connection past {@code maxLateCallsPerSecond} is left unread before it is
   * closed. While unread it costs the server nothing, and a gRPC client, whose calls queue
   * behind it, does not open another meanwhile; closing it drops whatever it sent, unread.
   */
  public static final Duration LATE_CALLS_PENALTY = Duration.ofSeconds(5);

  /**
   * The defaults: a handshake within 10 s (gRPC: 120 s), idle connections closed after 2 min,
   * every connection renewed after 30 min with 30 s for its last calls (the longest deadline of
   * the system is a few seconds), a ping after 1 min of silence answered within 20 s, client
   * pings no more often than every 30 s, and 1,000 connections at most.
   */
  public static final ConnectionPolicy DEFAULTS = new ConnectionPolicy(DEFAULT_HANDSHAKE_TIMEOUT,
      DEFAULT_MAX_IDLE, DEFAULT_MAX_AGE, Duration.ofSeconds(30), Duration.ofMinutes(1),
      Duration.ofSeconds(20), Duration.ofSeconds(30), DEFAULT_MAX_CONNECTIONS, 0);

  public ConnectionPolicy {
    requirePositive("handshakeTimeout", handshakeTimeout);
    requirePositive("maxIdle", maxIdle);
    requirePositive("maxAge", maxAge);
    requirePositive("maxAgeGrace", maxAgeGrace);
    requirePositive("keepAliveTime", keepAliveTime);
    requirePositive("keepAliveTimeout", keepAliveTimeout);
    requirePositive("permitKeepAliveTime", permitKeepAliveTime);
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be at least 1, not "
          + maxConnections);
    }
    if (maxLateCallsPerSecond < 0) {
      throw new IllegalArgumentException("maxLateCallsPerSecond must not be negative, not "
          + maxLateCallsPerSecond);
    }
  }

  public ConnectionPolicy withHandshakeTimeout(Duration value) {
    return new ConnectionPolicy(value, maxIdle, maxAge, maxAgeGrace, keepAliveTime,
        keepAliveTimeout, permitKeepAliveTime, maxConnections, maxLateCallsPerSecond);
  }

  public ConnectionPolicy withMaxIdle(Duration value) {
    return new ConnectionPolicy(handshakeTimeout, value, maxAge, maxAgeGrace, keepAliveTime,
        keepAliveTimeout, permitKeepAliveTime, maxConnections, maxLateCallsPerSecond);
  }

  public ConnectionPolicy withMaxAge(Duration value) {
    return new ConnectionPolicy(handshakeTimeout, maxIdle, value, maxAgeGrace, keepAliveTime,
        keepAliveTimeout, permitKeepAliveTime, maxConnections, maxLateCallsPerSecond);
  }

  public ConnectionPolicy withMaxConnections(int value) {
    return new ConnectionPolicy(handshakeTimeout, maxIdle, maxAge, maxAgeGrace, keepAliveTime,
        keepAliveTimeout, permitKeepAliveTime, value, maxLateCallsPerSecond);
  }

  public ConnectionPolicy withMaxLateCallsPerSecond(int value) {
    return new ConnectionPolicy(handshakeTimeout, maxIdle, maxAge, maxAgeGrace, keepAliveTime,
        keepAliveTimeout, permitKeepAliveTime, maxConnections, value);
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, not " + value);
    }
  }
}
