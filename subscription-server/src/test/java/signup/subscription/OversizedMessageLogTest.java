package signup.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.common.v1.DeviceType;
import signup.subscription.v1.QuotePlanRequest;
import signup.subscription.v1.SubscriptionServiceGrpc;

/**
 * The server as a real process, as it is shipped (its main, its logging configuration): a
 * client sending messages over the size cap must not be able to flood its log. gRPC's Netty
 * logs each one through java.util.logging as a 40-line stack trace, unless the launcher routed
 * it into SLF4J.
 */
class OversizedMessageLogTest {
  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

  @TempDir
  Path dir;

  private Process server;
  private ManagedChannel channel;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void messagesOverTheSizeCapLeaveAtMostOneLineAndNoStackTraceOnStderr() throws Exception {
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    server = new ProcessBuilder(javaCommand(), "-Xmx128m",
        "-Dlogback.configurationFile=" + SHIPPED_LOGGING, "-cp", shippedClassPath(),
        SubscriptionServerMain.class.getName(), "--port", "0",
        "--data-dir", dir.resolve("data").toString(), "--coordinator", "127.0.0.1:1")
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    int port = Awaitility.await("the server listening").atMost(Duration.ofSeconds(60))
        .until(() -> listeningPort(out), p -> p > 0);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    QuotePlanRequest oversized = QuotePlanRequest.newBuilder()
        .setRegion("x".repeat(70_000)).setDevice(DeviceType.WEB).build();

    for (int i = 0; i < 20; i++) {
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> SubscriptionServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(10, TimeUnit.SECONDS).quotePlan(oversized));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
    }
    // A graceful stop: whatever the server was to write is written when it exits.
    server.destroy();
    assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server stops on SIGTERM");

    List<String> lines = Files.readAllLines(err);
    String all = String.join("\n", lines);
    assertTrue(lines.stream().noneMatch(line -> line.startsWith("\tat ")
        || line.startsWith("Caused by:")), "a stack trace on stderr:\n" + all);
    assertTrue(lines.stream().noneMatch(line -> line.startsWith("WARNING:")),
        "java.util.logging wrote to stderr on its own:\n" + all);
    long aboutIt = lines.stream().filter(line -> line.contains("exceeds maximum size")
        || line.contains("Exception processing message")).count();
    assertTrue(aboutIt <= 1, aboutIt + " lines about 20 oversized messages:\n" + all);
  }

  private static int listeningPort(Path out) throws Exception {
    Matcher matcher = LISTENING.matcher(Files.exists(out) ? Files.readString(out) : "");
    return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
  }

  private static String javaCommand() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The logging configuration the shaded jar carries (the thin jar has none: a library chooses
   * no backend): the repository's one {@code config/logback.xml}.
   */
  private static final String SHIPPED_LOGGING =
      Path.of("..", "config", "logback.xml").toAbsolutePath().normalize().toString();

  /** This test's class path without the test classes and resources: what the jar holds. */
  private static String shippedClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.endsWith("test-classes"))
        .collect(Collectors.joining(File.pathSeparator));
  }
}
