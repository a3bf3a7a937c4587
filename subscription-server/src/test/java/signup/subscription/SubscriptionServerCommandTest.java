package signup.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SubscriptionServerCommandTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> new CommandLine(new SubscriptionServerCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args));
  }

  @Test
  void helpListsEveryOptionWithItsEnvironmentVariable() {
    assertEquals(0, run("--help"));

    String help = out.toString();
    for (String expected : new String[] {"--port", "SUBSCRIPTION_PORT", "--db-file",
        "SUBSCRIPTION_DB", "--coordinator", "SIGNUP_COORDINATOR", "--reservation-ttl",
        "SUBSCRIPTION_RESERVATION_TTL", "--data-dir", "--bind"}) {
      assertTrue(help.contains(expected), () -> expected + " missing from:\n" + help);
    }
  }

  @Test
  void aTakenPortExitsWithCannotStartAndSaysWhy() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int exit = run("--bind", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort()),
          "--data-dir", dir.toString(), "--coordinator", "127.0.0.1:1");

      assertEquals(3, exit);
      assertTrue(err.toString().contains("already in use"), err::toString);
    }
  }

  @Test
  void aDatabaseFileOfGarbageExitsWithCannotStart() throws Exception {
    Files.writeString(dir.resolve("subs.db"), "garbage ".repeat(500));

    int exit = run("--port", "0", "--data-dir", dir.toString(), "--db-file", "subs.db");

    assertEquals(3, exit);
    assertTrue(err.toString().startsWith("error: ")
        && err.toString().contains("subscription database at " + dir.resolve("subs.db")),
        err::toString);
  }

  @Test
  void aRetentionShorterThanTheReservationTtlAndASweepIntervalIsAUsageError() {
    int exit = run("--port", "0", "--data-dir", dir.toString(), "--retention", "PT30S");

    assertEquals(2, exit);
    assertEquals("--retention must be at least PT35S (--reservation-ttl + --sweep-interval), "
        + "not PT30S", err.toString().lines().findFirst().orElseThrow());
  }

  @Test
  void aReservationTtlThatIsNotPositiveIsAUsageError() {
    int exit = run("--port", "0", "--data-dir", dir.toString(), "--reservation-ttl", "0s");

    assertEquals(2, exit);
    assertTrue(err.toString().contains("--reservation-ttl must be a positive duration"),
        err::toString);
  }
}
