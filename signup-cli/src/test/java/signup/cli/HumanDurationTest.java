package signup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class HumanDurationTest {
  private final HumanDuration converter = new HumanDuration();

  @Test
  void acceptsWhatPeopleTypeAndIso8601() {
    assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
    assertEquals(Duration.ofSeconds(30), converter.convert("30s"));
    assertEquals(Duration.ofMinutes(2), converter.convert("2m"));
    assertEquals(Duration.ofHours(1), converter.convert("1H"));
    assertEquals(Duration.ofSeconds(30), converter.convert("PT30S"));
    assertEquals(Duration.ZERO, converter.convert("0s"));
  }

  @Test
  void refusesAnythingElseNamingTheValue() {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> converter.convert("thirty"));
    assertEquals("'thirty' is not a duration (like 30s, 2m, 500ms or PT30S)", e.getMessage());
  }
}
