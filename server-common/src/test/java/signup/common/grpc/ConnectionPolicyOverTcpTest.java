package signup.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.BindableService;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import signup.common.domain.InvalidInputException;
import signup.common.domain.OverloadedException;
import signup.common.domain.TooLateException;
import signup.orchestrator.v1.Decision;
import signup.orchestrator.v1.ResolveTransactionResponse;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;

/**
 * The {@link ConnectionPolicy} on a real socket, against raw TCP connections that do what an
 * attacker's would (connect and send nothing) and a real gRPC client.
 */
class ConnectionPolicyOverTcpTest {
  /** Long enough that nothing in a test is closed by a limit the test is not about. */
  private static final Duration LONG = Duration.ofMinutes(5);
  /** How long a loaded machine may take to do what is due now. */
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  private final ScriptedCoordinator service =
      new ScriptedCoordinator(txnId -> GrpcServerHostTest.decision(Decision.COMMIT));
  private final List<GrpcServerHost> hosts = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void tearDown() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    channels.forEach(ManagedChannel::shutdownNow);
    hosts.forEach(GrpcServerHost::close);
  }

  @Test
  void connectionsThatNeverSendThePrefaceAreClosedWhenTheHandshakeTimeoutEnds() throws Exception {
    GrpcServerHost host = start(ConnectionPolicy.DEFAULTS.withHandshakeTimeout(
        Duration.ofMillis(500)).withMaxIdle(LONG).withMaxAge(LONG));
    List<Socket> silent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      silent.add(connect(host));
    }

    long started = System.nanoTime();
    for (Socket socket : silent) {
      assertTrue(closedByServerWithin(socket, PROMPTLY),
          "a connection that never sent the HTTP/2 preface is still open");
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(took.compareTo(PROMPTLY) < 0, "closed after " + took);
  }

  @Test
  void anIdleConnectionIsClosedAfterTheMaxIdleTimeAndTheClientReconnectsOnItsNextCall() {
    GrpcServerHost host = start(ConnectionPolicy.DEFAULTS.withMaxIdle(Duration.ofSeconds(1))
        .withMaxAge(LONG));
    ManagedChannel channel = channelTo(host);
    assertEquals(Decision.COMMIT, resolve(channel));
    assertEquals(ConnectivityState.READY, channel.getState(false));

    // The server's GOAWAY ends the channel's only connection: the channel goes IDLE.
    Awaitility.await("the idle connection closed by the server").atMost(PROMPTLY)
        .until(() -> channel.getState(false) == ConnectivityState.IDLE);

    assertEquals(Decision.COMMIT, resolve(channel), "the next call opens a new connection");
  }

  @Test
  void connectionsPastTheLimitAreClosedAtOnceWhileTheOpenOnesKeepWorking() throws Exception {
    GrpcServerHost host = start(ConnectionPolicy.DEFAULTS.withMaxConnections(3)
        .withHandshakeTimeout(LONG).withMaxIdle(LONG).withMaxAge(LONG));
    ManagedChannel channel = channelTo(host);
    assertEquals(Decision.COMMIT, resolve(channel));
    Socket second = connect(host);
    Socket third = connect(host);
    assertTrue(acceptedByGrpc(second), "the second connection is within the limit");
    assertTrue(acceptedByGrpc(third), "the third connection is within the limit");

    for (int i = 0; i < 5; i++) {
      Socket beyond = connect(host);
      assertTrue(closedByServerWithin(beyond, PROMPTLY),
          "connection " + (4 + i) + " of at most 3 is still open");
    }

    assertEquals(Decision.COMMIT, resolve(channel), "the established client is still served");
    assertTrue(!closedByServerWithin(second, Duration.ofMillis(200)),
        "a connection within the limit stays open");

    // A connection that closes frees its place.
    second.close();
    Awaitility.await("a place freed by a closed connection").atMost(PROMPTLY)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> acceptedByGrpc(connect(host)));
  }

  @Test
  void aConnectionPastItsLateCallsIsLeftUnreadThenClosedWhileOtherConnectionsAreServed()
      throws Exception {
    // On the transport's thread, as the orchestrator's Signup: the connection is then stopped
    // in the middle of a read, after which the HTTP/2 decoder asks for another one itself.
    NonBlockingCoordinator onTransport = new NonBlockingCoordinator(txnId -> {
      if (txnId.startsWith("late")) {
        throw new TooLateException("the call's deadline leaves too little: not started");
      }
      return GrpcServerHostTest.decision(Decision.COMMIT);
    });
    GrpcServerHost host = start(onTransport, ConnectionPolicy.DEFAULTS
        .withMaxLateCallsPerSecond(20).withMaxIdle(LONG).withMaxAge(LONG));
    ManagedChannel flooding = channelTo(host);
    ManagedChannel normal = channelTo(host);
    assertEquals(Decision.COMMIT, resolve(normal));

    // 20 within the second are answered; the 21st is too, and is the last the server reads.
    for (int i = 1; i <= 21; i++) {
      String txnId = "late-" + i;
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> resolve(flooding, txnId, LONG));
      assertEquals(Status.Code.DEADLINE_EXCEEDED, refused.getStatus().getCode(), txnId);
    }
    int read = onTransport.asked.size();

    // Calls the server would answer at once are not read at all: they time out on the client.
    for (ListenableFuture<ResolveTransactionResponse> call :
        resolveAll(flooding, "t-unread-", 200, Duration.ofMillis(500))) {
      ExecutionException failed = assertThrows(ExecutionException.class, call::get);
      assertEquals(Status.Code.DEADLINE_EXCEEDED, Status.fromThrowable(failed).getCode());
    }
    assertEquals(read, onTransport.asked.size(),
        "the server read calls of the unread connection");
    assertEquals(Decision.COMMIT, resolve(normal), "another connection is served meanwhile");

    // Closed after the penalty: the channel's next call opens a connection that is served.
    Awaitility.await("the unread connection closed").atMost(
            ConnectionPolicy.LATE_CALLS_PENALTY.plus(PROMPTLY))
        .until(() -> flooding.getState(false) != ConnectivityState.READY);
    assertEquals(Decision.COMMIT, resolve(flooding));
  }

  @Test
  void callsRefusedForAnythingButTheirDeadlineNeverCountAgainstTheirConnection() {
    service.script(txnId -> {
      if (txnId.endsWith("0")) {
        throw new OverloadedException("as many as it takes are in flight: not started",
            Duration.ofMillis(250));
      }
      throw InvalidInputException.of("txn_id", "is not one this coordinator knows");
    });
    GrpcServerHost host = start(ConnectionPolicy.DEFAULTS.withMaxLateCallsPerSecond(5)
        .withMaxIdle(LONG).withMaxAge(LONG));
    ManagedChannel channel = channelTo(host);

    for (int i = 1; i <= 50; i++) {
      String txnId = "bad-" + i;
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> resolve(channel, txnId, LONG));
      assertEquals(i % 10 == 0 ? Status.Code.RESOURCE_EXHAUSTED : Status.Code.INVALID_ARGUMENT,
          refused.getStatus().getCode(), txnId);
    }
    assertEquals(50, service.asked.size());
    assertEquals(ConnectivityState.READY, channel.getState(false));
  }

  @Test
  void callsThatExpireQueuedBehindTheServersOwnSlowWorkNeverCountAgainstTheirConnection()
      throws Exception {
    // One thread for blocking calls: 60 calls with a 1 s deadline wait behind one held until
    // they have all expired, and the pool starts them only then. The server was slow, not the
    // client.
    CountDownLatch held = new CountDownLatch(1);
    service.script(txnId -> {
      if (txnId.equals("slow")) {
        awaitQuietly(held);
      }
      return GrpcServerHostTest.decision(Decision.COMMIT);
    });
    GrpcServerHost host = start(service, ConnectionPolicy.DEFAULTS.withMaxLateCallsPerSecond(20)
        .withMaxIdle(LONG).withMaxAge(LONG), new BlockingCalls("test", 1, 100));
    ManagedChannel channel = channelTo(host);
    CompletableFuture<Decision> slow = CompletableFuture.supplyAsync(
        () -> resolve(channel, "slow", LONG));
    Awaitility.await("the slow call started").atMost(PROMPTLY)
        .until(() -> service.asked.contains("slow"));
    for (ListenableFuture<ResolveTransactionResponse> call :
        resolveAll(channel, "queued-", 60, Duration.ofSeconds(1))) {
      assertThrows(ExecutionException.class, call::get);
    }
    held.countDown();
    assertEquals(Decision.COMMIT, slow.join());

    assertEquals(Decision.COMMIT, resolve(channel, "t-after", Duration.ofSeconds(5)),
        "the connection is still read");
  }

  @Test
  void withoutALimitEveryLateCallIsReadAndAnswered() {
    service.script(txnId -> {
      throw new TooLateException("the call's deadline leaves too little: not started");
    });
    GrpcServerHost host = start(ConnectionPolicy.DEFAULTS.withMaxIdle(LONG).withMaxAge(LONG));
    ManagedChannel channel = channelTo(host);

    for (int i = 1; i <= 100; i++) {
      String txnId = "late-" + i;
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> resolve(channel, txnId, LONG));
      assertEquals(Status.Code.DEADLINE_EXCEEDED, refused.getStatus().getCode(), txnId);
    }
    assertEquals(100, service.asked.size());
  }

  private GrpcServerHost start(ConnectionPolicy policy) {
    return start(service, policy);
  }

  private GrpcServerHost start(BindableService coordinator, ConnectionPolicy policy) {
    return start(coordinator, policy,
        new BlockingCalls("test", BlockingCalls.THREADS, BlockingCalls.ADMITTED));
  }

  private GrpcServerHost start(BindableService coordinator, ConnectionPolicy policy,
      BlockingCalls blockingCalls) {
    GrpcServerHost host = new GrpcServerHost("test",
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), List.of(coordinator),
        StandardErrors::toStatus, List.of(), List.of(), Duration.ofSeconds(5), policy,
        blockingCalls);
    hosts.add(host);
    return host.start();
  }

  private ManagedChannel channelTo(GrpcServerHost host) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", host.port())
        .usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  private static Decision resolve(ManagedChannel channel) {
    return resolve(channel, "t1", Duration.ofSeconds(10));
  }

  /** {@code count} calls sent at once, for txn ids {@code prefix}0, {@code prefix}1, ... */
  private static List<ListenableFuture<ResolveTransactionResponse>> resolveAll(
      ManagedChannel channel, String prefix, int count, Duration deadline) {
    List<ListenableFuture<ResolveTransactionResponse>> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      calls.add(TransactionCoordinatorGrpc.newFutureStub(channel)
          .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
          .resolveTransaction(GrpcServerHostTest.request(prefix + i)));
    }
    return calls;
  }

  private static Decision resolve(ManagedChannel channel, String txnId, Duration deadline) {
    return TransactionCoordinatorGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .resolveTransaction(GrpcServerHostTest.request(txnId)).getDecision();
  }

  /** The scripted coordinator, its calls run on the transport's thread. */
  private static final class NonBlockingCoordinator implements NonBlockingService {
    final List<String> asked = new CopyOnWriteArrayList<>();
    private final ScriptedCoordinator scripted;

    NonBlockingCoordinator(Function<String, ResolveTransactionResponse> script) {
      this.scripted = new ScriptedCoordinator(txnId -> {
        asked.add(txnId);
        return script.apply(txnId);
      });
    }

    @Override
    public ServerServiceDefinition bindService() {
      return scripted.bindService();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A TCP connection that sends nothing. */
  private Socket connect(GrpcServerHost host) throws IOException {
    Socket socket = new Socket();
    sockets.add(socket);
    socket.connect(new InetSocketAddress("127.0.0.1", host.port()), 5_000);
    return socket;
  }

  /**
   * gRPC answers a new connection with its HTTP/2 settings before reading anything; a connection
   * refused by the limit is closed before gRPC sees it.
   */
  private static boolean acceptedByGrpc(Socket socket) throws IOException {
    socket.setSoTimeout((int) PROMPTLY.toMillis());
    try {
      return socket.getInputStream().read() >= 0;
    } catch (SocketException reset) {
      return false;
    }
  }

  /** Reads (and drops) what the server sends until it closes the connection, or time is up. */
  private static boolean closedByServerWithin(Socket socket, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      while (true) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        socket.setSoTimeout((int) left);
        if (in.read(buffer) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (SocketException reset) {
      return true;
    }
  }
}
