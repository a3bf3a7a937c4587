package signup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import signup.common.cli.DurationConverter;

/** Every duration option of every command, the participants' included, reads both forms. */
class DurationOptionsTest {
  private static CommandLine cli() {
    return SignupCli.commandLine(new ByteArrayInputStream(new byte[0]));
  }

  @Test
  void everyDurationOptionUsesTheOneConverter() {
    List<String> options = new ArrayList<>();
    collect(cli(), options);

    // The three servers' (3 each), the callers' --timeout (5), audit's (1) and bench's (4).
    assertTrue(options.size() >= 19, options::toString);
    for (String expected : List.of("signup serve client-server --reservation-ttl",
        "signup serve subscription-server --coordinator-deadline",
        "signup serve signup-orchestrator --try-timeout", "signup audit --max-pending-age",
        "signup status --timeout", "signup bench --duration")) {
      assertTrue(options.contains(expected), expected + " missing from " + options);
    }
  }

  @Test
  void aBadDurationIsAUsageErrorNamingTheOptionAndBothForms() {
    StringWriter err = new StringWriter();
    CommandLine cli = cli();
    cli.setErr(new PrintWriter(err, true));

    int exit = cli.execute("audit", "--max-pending-age", "two minutes");

    assertEquals(2, exit, err.toString());
    assertTrue(err.toString().contains("Invalid value for option '--max-pending-age': "
        + "'two minutes' is not a duration (" + DurationConverter.FORMS + ")"), err.toString());
  }

  private static void collect(CommandLine command, List<String> options) {
    for (OptionSpec option : command.getCommandSpec().options()) {
      if (option.type() == Duration.class) {
        String name = command.getCommandSpec().qualifiedName() + " " + option.longestName();
        assertEquals(1, option.converters().length, name);
        assertTrue(option.converters()[0] instanceof DurationConverter, name);
        options.add(name);
      }
    }
    for (CommandLine sub : command.getSubcommands().values()) {
      collect(sub, options);
    }
  }
}
