package signup.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Command(name = "wait")
  static final class Wait implements Runnable {
    @Option(names = "--timeout", defaultValue = "PT15S", converter = DurationConverter.class)
    Duration timeout;

    @Override
    public void run() {}
  }

  @Test
  void acceptsWhatPeopleTypeInEveryUnit() {
    assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
    assertEquals(Duration.ofSeconds(30), converter.convert("30s"));
    assertEquals(Duration.ofMinutes(2), converter.convert("2m"));
    assertEquals(Duration.ofHours(1), converter.convert("1H"));
    assertEquals(Duration.ofDays(7), converter.convert("7d"));
    assertEquals(Duration.ZERO, converter.convert("0s"));
    assertEquals(Duration.ofSeconds(30), converter.convert(" 30s "));
  }

  @Test
  void acceptsIso8601AsTheServersAlwaysDid() {
    assertEquals(Duration.ofSeconds(30), converter.convert("PT30S"));
    assertEquals(Duration.ofMillis(1500), converter.convert("pt1.5s"));
    assertEquals(Duration.ofDays(7), converter.convert("P7D"));
    assertEquals(Duration.ofMinutes(-1), converter.convert("PT-1M"));
  }

  @Test
  void refusesAnythingElseNamingTheValueAndBothForms() {
    for (String bad : new String[] {"thirty", "30", "30 s", "1w", "-5s", "", "PT",
        "999999999999999999d"}) {
      TypeConversionException e =
          assertThrows(TypeConversionException.class, () -> converter.convert(bad), bad);
      assertEquals("'" + bad + "' is not a duration (a number with ms, s, m, h or d, like 30s, "
          + "or ISO-8601, like PT30S)", e.getMessage());
    }
  }

  @Test
  void theUsageErrorNamesTheOptionAndBothForms() {
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new Wait()).setErr(new PrintWriter(err, true));

    int exit = command.execute("--timeout", "soon");

    assertEquals(2, exit);
    String message = err.toString();
    assertTrue(message.startsWith("Invalid value for option '--timeout': 'soon' is not a "
        + "duration"), message);
    assertTrue(message.contains("like 30s") && message.contains("like PT30S"), message);
  }

  @Test
  void anOptionTakesBothFormsAndItsIsoDefault() {
    Wait wait = new Wait();
    new CommandLine(wait).parseArgs();
    assertEquals(Duration.ofSeconds(15), wait.timeout);

    new CommandLine(wait).parseArgs("--timeout", "2m");
    assertEquals(Duration.ofMinutes(2), wait.timeout);
  }
}
