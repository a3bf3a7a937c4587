package signup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SelfHostedSystemTest {
  @Test
  void theHashersImplementationIsReadFromClientServersStartUpLine() {
    // As ClientServer logs it; the CI's bench run checks the real line.
    String log = "05:13:11.140 INFO  [main] SqliteDatabase - client database ready\n"
        + "05:13:11.140 INFO  [main] ClientServer - password hashes: Argon2id m=19456 KiB, t=2,"
        + " p=1, computed by native (libsodium), 2 at once\n"
        + "05:13:11.200 INFO  [main] GrpcServerHost - client-server listening on port 50052\n";

    assertEquals(Optional.of("native (libsodium)"), SelfHostedSystem.hashedBy(log));
    assertEquals(Optional.of("Bouncy Castle"), SelfHostedSystem.hashedBy(
        log.replace("native (libsodium)", "Bouncy Castle")));
    assertEquals(Optional.empty(), SelfHostedSystem.hashedBy("listening on port 50052\n"));
  }
}
