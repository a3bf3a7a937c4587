package signup.common.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.BindableService;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import signup.common.grpc.GrpcServerHost;
import signup.common.grpc.StandardErrors;
import signup.common.store.DatabaseUnusableException;

class ServerLauncherTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final List<String> closed = new CopyOnWriteArrayList<>();
  private final List<GrpcServerHost> hosts = new ArrayList<>();

  @AfterEach
  void tearDown() {
    hosts.forEach(GrpcServerHost::close);
  }

  @Test
  void portInUseExitsWithCannotStartAndOneErrorLine() {
    GrpcServerHost first = host(0).start();

    int exit = ServerLauncher.runUntilStopped(() -> host(first.port()), new PrintWriter(out),
        new PrintWriter(err));

    assertEquals(ServerLauncher.EXIT_CANNOT_START, exit);
    String printed = err.toString();
    assertTrue(printed.startsWith("error: "), printed);
    assertEquals(1, printed.lines().count(), "one line, no stack trace: " + printed);
    assertTrue(printed.contains("already in use"), printed);
    assertFalse(printed.contains("Exception"), printed);
    assertEquals("", out.toString());
  }

  @Test
  void hostThatCannotStartStillClosesWhatItOwns() {
    GrpcServerHost first = host(0).start();

    ServerLauncher.runUntilStopped(() -> host(first.port()), new PrintWriter(out),
        new PrintWriter(err));

    // The database a server opened before failing to listen must not stay open.
    assertEquals(List.of("database closed"), closed);
  }

  @Test
  void databaseNotOursExitsWithCannotStartAndOneErrorLine() {
    int exit = ServerLauncher.runUntilStopped(() -> {
      throw new DatabaseUnusableException(
          "refusing the client database at /data/client.db: it belongs to another application",
          null);
    }, new PrintWriter(out), new PrintWriter(err));

    assertEquals(ServerLauncher.EXIT_CANNOT_START, exit);
    assertEquals("error: refusing the client database at /data/client.db: it belongs to another "
        + "application", err.toString().strip());
  }

  @Test
  void runningServerAnnouncesItsPortAndStopsGracefullyWhenInterrupted() throws Exception {
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    GrpcServerHost[] started = new GrpcServerHost[1];
    Thread runner = new Thread(() -> exit.complete(ServerLauncher.runUntilStopped(() -> {
      started[0] = host(0);
      return started[0];
    }, new PrintWriter(out), new PrintWriter(err))));
    runner.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("listening"));
    int port = started[0].port();
    assertEquals("test listening on port " + port, out.toString().strip());
    var channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
        .forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance());
    } finally {
      channel.shutdownNow();
    }

    runner.interrupt();

    assertEquals(ServerLauncher.EXIT_OK, exit.get(10, TimeUnit.SECONDS));
    assertEquals(List.of("database closed"), closed);
  }

  private GrpcServerHost host(int port) {
    BindableService none = () -> io.grpc.ServerServiceDefinition.builder("test.Nothing").build();
    GrpcServerHost host = new GrpcServerHost("test",
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)), List.of(none),
        StandardErrors::toStatus, List.of(), List.of(() -> closed.add("database closed")),
        Duration.ofSeconds(5));
    hosts.add(host);
    return host;
  }
}
