package signup.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A duration as people write it ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}) or ISO-8601. */
final class HumanDuration implements ITypeConverter<Duration> {
  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    Matcher m = SHORT.matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    try {
      return Duration.parse(value.strip().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new TypeConversionException("'" + value + "' is not a duration (like 30s, 2m, 500ms "
          + "or PT30S)");
    }
  }
}
