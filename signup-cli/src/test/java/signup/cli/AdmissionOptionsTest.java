package signup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import signup.orchestrator.OrchestratorServerCommand;
import signup.orchestrator.domain.AdmissionSettings;

/** --max-in-flight and --min-deadline: the orchestrator's and up's, read and checked alike. */
class AdmissionOptionsTest {
  @TempDir Path dir;
  private final StringWriter err = new StringWriter();

  @Test
  void theOrchestratorTakesBothOptions() {
    OrchestratorServerCommand command = new OrchestratorServerCommand();
    new CommandLine(command).parseArgs("--data-dir", dir.toString(), "--max-in-flight", "3",
        "--min-deadline", "5ms");

    AdmissionSettings admission = command.config().admission();
    assertEquals(3, admission.maxInFlight());
    assertEquals(Duration.ofMillis(5), admission.minTimeLeft());
  }

  @Test
  void upRefusesAnAdmissionBoundBelowOneBeforeStartingAnything() {
    CommandLine cli = SignupCli.commandLine(new ByteArrayInputStream(new byte[0]));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    Path data = dir.resolve("data");

    int exit = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> cli.execute("up",
        "--orchestrator-port", "0", "--client-port", "0", "--subscription-port", "0",
        "--data-dir", data.toString(), "--max-in-flight", "0"));

    assertEquals(ExitCodes.BAD_INPUT, exit);
    assertTrue(err.toString().startsWith("--max-in-flight must be at least 1, not 0"),
        err.toString());
    assertTrue(Files.notExists(data.resolve("client.db")), "no server started");
  }
}
