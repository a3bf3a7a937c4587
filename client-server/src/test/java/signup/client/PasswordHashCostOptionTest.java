package signup.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import signup.client.domain.Argon2Settings;
import signup.client.domain.PasswordHasher;

/** {@code --password-hash-cost}: OWASP unless a benchmark asks for the minimum. */
class PasswordHashCostOptionTest {
  @TempDir Path dir;

  private ClientServerConfig configOf(String... args) {
    ClientServerCommand command = new ClientServerCommand();
    new CommandLine(command).parseArgs(args);
    return command.config();
  }

  @Test
  void theDefaultIsOwaspAndMinimumIsTheCheapestTheBoundsAllow() {
    assertEquals(Argon2Settings.OWASP, configOf("--data-dir", dir.toString()).hashing());
    assertEquals(Argon2Settings.MINIMUM, configOf("--data-dir", dir.toString(),
        "--password-hash-cost", "MINIMUM").hashing());
    assertTrue(Argon2Settings.MINIMUM.weakerThan(Argon2Settings.OWASP));
    assertFalse(Argon2Settings.OWASP.weakerThan(Argon2Settings.OWASP));
  }

  @Test
  void anUnknownCostIsAUsageError() {
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new ClientServerCommand());
    command.setErr(new PrintWriter(err, true));

    int exit = command.execute("--data-dir", dir.toString(), "--password-hash-cost", "cheap",
        "--port", "0");

    assertEquals(2, exit);
    assertTrue(err.toString().contains("--password-hash-cost must be owasp or minimum"),
        err.toString());
  }

  @Test
  void minimumCostHashesStillVerify() {
    try (PasswordHasher hasher = new PasswordHasher(Argon2Settings.MINIMUM, 1)) {
      String phc = hasher.hash("correct-horse-9");

      assertTrue(phc.startsWith("$argon2id$v=19$m=8,t=1,p=1$"), phc);
      assertTrue(hasher.verify("correct-horse-9", phc));
      assertFalse(hasher.verify("wrong-horse-9", phc));
    }
  }
}
