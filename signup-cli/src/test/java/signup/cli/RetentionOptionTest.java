package signup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import signup.common.domain.Retention;
import signup.orchestrator.OrchestratorServerCommand;

/** --retention on the orchestrator and on up: never shorter than the protocol needs. */
class RetentionOptionTest {
  @TempDir Path dir;
  private final StringWriter err = new StringWriter();

  /** Refused before any server starts; were it not, the server would run until the timeout. */
  private int run(String... args) {
    CommandLine cli = SignupCli.commandLine(new ByteArrayInputStream(new byte[0]));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> cli.execute(args));
  }

  private String firstErrorLine() {
    return err.toString().lines().findFirst().orElseThrow();
  }

  @Test
  void theOrchestratorRefusesARetentionShorterThanItsProtocolWithTheUsageCode() {
    int exit = run("serve", "orchestrator", "--port", "0", "--data-dir", dir.toString(),
        "--retention", "PT14S");

    assertEquals(ExitCodes.BAD_INPUT, exit);
    assertEquals("--retention must be at least PT15S (--reserve-deadline + --try-timeout + "
        + "--recovery-interval), not PT14S", firstErrorLine());
  }

  @Test
  void theOrchestratorsMinimumFollowsItsProtocolOptions() {
    OrchestratorServerCommand command = new OrchestratorServerCommand();
    new CommandLine(command).parseArgs("--data-dir", dir.toString(), "--reserve-deadline",
        "PT1S", "--try-timeout", "PT2S", "--recovery-interval", "PT1S", "--retention", "PT4S");

    assertEquals(new Retention(Duration.ofSeconds(4)), command.config().retention());
  }

  @Test
  void upRefusesARetentionShorterThanTheMostDemandingServerNeeds() {
    int exit = run("up", "--orchestrator-port", "0", "--client-port", "0",
        "--subscription-port", "0", "--data-dir", dir.toString(), "--retention", "PT20S");

    assertEquals(ExitCodes.BAD_INPUT, exit);
    assertEquals("--retention must be at least PT35S (the participants' reservation TTL + "
        + "sweep interval), not PT20S", firstErrorLine());
  }
}
