package signup.common.grpc;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReconnectPacerTest {
  private ServerSocket refuser;
  private Server server;
  private ManagedChannel channel;
  private ReconnectPacer pacer;

  @AfterEach
  void tearDown() throws IOException {
    if (pacer != null) {
      pacer.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (refuser != null) {
      refuser.close();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  @Test
  void aServerBackAfterAnOutageIsUsedWithinAPeriodNotAfterTheGrownBackoff() throws Exception {
    // A "server" that hangs up on every connection and counts the channel's attempts.
    refuser = new ServerSocket(0);
    int port = refuser.getLocalPort();
    AtomicInteger attempts = new AtomicInteger();
    Thread hangUp = new Thread(() -> {
      while (!refuser.isClosed()) {
        try (Socket ignored = refuser.accept()) {
          attempts.incrementAndGet();
        } catch (IOException closed) {
          return;
        }
      }
    });
    hangUp.setDaemon(true);
    hangUp.start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    channel.getState(true);
    // After two failed attempts gRPC waits 2.6 s (+-20%) before the next one.
    await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 2);
    pacer = new ReconnectPacer("test", Duration.ofMillis(100), List.of(channel));
    refuser.close();

    // SO_REUSEADDR: the refuser hung up first, so its closed connections sit in TIME_WAIT on
    // this port, and without it the bind fails now and then (seen once in a dozen runs).
    // The refuser's socket is closed but its accept thread may still be leaving: the bind is
    // retried for a moment rather than failed at once.
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
        .until(() -> {
          server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
              .withOption(ChannelOption.SO_REUSEADDR, true)
              .addService(new HealthStatusManager().getHealthService()).build().start();
          return true;
        });

    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
        .ignoreExceptions()
        .until(() -> HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance()) != null);
  }
}
