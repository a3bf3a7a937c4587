package signup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child JVMs, running {@link FakeService} from this test's class path. */
class ServiceProcessTest {
  @TempDir Path dir;

  /**
   * Says on stdout that it listens, as {@code signup serve} does, then waits to be stopped; or,
   * with "fail", says on stderr why it cannot start and exits with 3.
   */
  static final class FakeService {
    public static void main(String[] args) throws InterruptedException {
      if (args[0].equals("fail")) {
        System.err.println("java.net.BindException: Address already in use");
        System.exit(3);
      }
      System.out.println("fake listening on port " + args[0] + " as "
          + System.getenv("SIGNUP_PROBE"));
      System.out.flush();
      new CountDownLatch(1).await();
    }
  }

  private static ServiceProcess.Command fake(String arg) {
    return ServiceProcess.Command.onThisClassPath(List.of("-Xmx32m", "-XX:TieredStopAtLevel=1"),
        FakeService.class.getName(), List.of(arg));
  }

  @Test
  void awaitListeningReturnsThePortTheServiceSaysItListensOnInTheEnvironmentGiven()
      throws Exception {
    Map<String, String> environment = new HashMap<>(System.getenv());
    environment.put("SIGNUP_PROBE", "life-2");

    try (ServiceProcess service = ServiceProcess.launch("fake", fake("4321"), environment,
        dir.resolve("fake.log"))) {
      assertEquals(4321, service.awaitListening(Duration.ofSeconds(30)));
      assertTrue(service.logText().contains("as life-2"), service.logText());
      assertTrue(service.isAlive());
    }
  }

  @Test
  void aServiceThatExitsBeforeListeningFailsWithItsCodeAndWhatItSaidOnStderr()
      throws Exception {
    try (ServiceProcess service = ServiceProcess.launch("fake", fake("fail"),
        dir.resolve("fake.log"))) {
      SystemStartException e = assertThrows(SystemStartException.class,
          () -> service.awaitListening(Duration.ofSeconds(30)));

      assertTrue(e.getMessage().contains("fake exited with code 3 before listening"),
          e.getMessage());
      // SelfHostedSystem takes new ports on exactly this.
      assertTrue(e.getMessage().contains("Address already in use"), e.getMessage());
    }
  }

  @Test
  void killEndsTheProcessAtOnce() throws Exception {
    ServiceProcess service = ServiceProcess.launch("fake", fake("4321"),
        dir.resolve("fake.log"));
    service.awaitListening(Duration.ofSeconds(30));

    service.kill();

    assertEquals(137, service.waitFor(), "killed by SIGKILL");
  }
}
