package signup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import signup.orchestrator.OrchestratorServerCommand;
import signup.orchestrator.domain.AdmissionSettings;

/**
 * --max-in-flight, --min-deadline and --max-late-calls: the orchestrator's and up's, read and
 * checked alike.
 */
class AdmissionOptionsTest {
  @TempDir Path dir;
  private final StringWriter err = new StringWriter();

  @Test
  void theOrchestratorTakesTheOptions() {
    OrchestratorServerCommand command = new OrchestratorServerCommand();
    new CommandLine(command).parseArgs("--data-dir", dir.toString(), "--max-in-flight", "3",
        "--min-deadline", "5ms", "--max-late-calls", "7");

    AdmissionSettings admission = command.config().admission();
    assertEquals(3, admission.maxInFlight());
    assertEquals(Duration.ofMillis(5), admission.minTimeLeft());
    assertEquals(7, command.config().transport().connections().maxLateCallsPerSecond());
  }

  @Test
  void theOrchestratorLimitsLateCallsByDefault() {
    OrchestratorServerCommand command = new OrchestratorServerCommand();
    new CommandLine(command).parseArgs("--data-dir", dir.toString());

    assertEquals(50, command.config().transport().connections().maxLateCallsPerSecond());
  }

  @Test
  void theOrchestratorRefusesANegativeLateCallLimitAsAUsageError() {
    OrchestratorServerCommand command = new OrchestratorServerCommand();
    new CommandLine(command).parseArgs("--data-dir", dir.toString(), "--max-late-calls", "-1");

    ParameterException refused = assertThrows(ParameterException.class, command::config);
    assertEquals("--max-late-calls must not be negative, not -1", refused.getMessage());
  }

  @Test
  void upRefusesANegativeLateCallLimitBeforeStartingAnything() {
    upRefusesBeforeStartingAnything("--max-late-calls must not be negative, not -1",
        "--max-late-calls", "-1");
  }

  @Test
  void upRefusesAnAdmissionBoundBelowOneBeforeStartingAnything() {
    upRefusesBeforeStartingAnything("--max-in-flight must be at least 1, not 0",
        "--max-in-flight", "0");
  }

  private void upRefusesBeforeStartingAnything(String message, String... options) {
    CommandLine cli = SignupCli.commandLine(new ByteArrayInputStream(new byte[0]));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    Path data = dir.resolve("data");
    List<String> args = new ArrayList<>(List.of("up", "--orchestrator-port", "0",
        "--client-port", "0", "--subscription-port", "0", "--data-dir", data.toString()));
    args.addAll(List.of(options));

    int exit = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> cli.execute(args.toArray(String[]::new)));

    assertEquals(ExitCodes.BAD_INPUT, exit);
    assertTrue(err.toString().startsWith(message), err.toString());
    assertTrue(Files.notExists(data.resolve("client.db")), "no server started");
  }
}
