package signup.common.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The converter of every {@link Duration} option, servers' and tools' alike: a duration as people
 * write it ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 7d}) or in ISO-8601
 * ({@code PT30S}, {@code P7D}). Picocli puts the option's name before the message:
 * {@code Invalid value for option '--timeout': 'soon' is not a duration (...)}.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  /** Both accepted forms, for messages. */
  public static final String FORMS = "a number with ms, s, m, h or d, like 30s, or ISO-8601, "
      + "like PT30S";

  // 18 digits at most, so the number always fits in a long.
  private static final Pattern SHORT = Pattern.compile("(\\d{1,18})(ms|s|m|h|d)");

  @Override
  public Duration convert(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    try {
      Matcher m = SHORT.matcher(v);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      return Duration.parse(v.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new TypeConversionException("'" + value + "' is not a duration (" + FORMS + ")");
    }
  }
}
