package signup.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A warm-up as it happened: run, and not counted, before a measured step.
 *
 * @param elapsed how long it ran, the last operations' drain included
 * @param ending why it ended
 * @param windows what each window measured, in order; empty unless it ran until settled
 */
record Warmup(Duration elapsed, Ending ending, List<SettlingRule.Window> windows) {
  static final Warmup NONE = new Warmup(Duration.ZERO, Ending.NONE, List.of());

  enum Ending {
    /** Throughput and the JIT settled before the maximum. */
    SETTLED,
    /** The maximum was reached first. */
    MAXIMUM,
    /** A fixed length: the warm-up of a step after the first. */
    FIXED,
    /** None was asked for. */
    NONE
  }

  Warmup {
    windows = List.copyOf(windows);
  }

  static Warmup fixed(Duration elapsed) {
    return new Warmup(elapsed, Ending.FIXED, List.of());
  }

  /**
   * Why it ended, for a person: "settled after 45 s: 1,210/s then 1,230/s, JIT 0.4% of CPU",
   * "reached the maximum after 91 s: ...".
   */
  String describe() {
    String seconds = String.format(Locale.ROOT, "%.0f s", elapsed.toMillis() / 1000.0);
    return switch (ending) {
      case SETTLED -> "settled after " + seconds + lastWindows();
      // "after": the last operations' drain makes it a little longer than the maximum
      case MAXIMUM -> "reached the maximum after " + seconds + lastWindows();
      case FIXED -> seconds + ", fixed";
      case NONE -> "none";
    };
  }

  /** Each window's throughput, "466 812 1,173 /s", to see the curve. */
  String curve() {
    return windows.stream().map(w -> String.format(Locale.ROOT, "%,.0f", w.throughput()))
        .collect(Collectors.joining(" ", "", " /s"));
  }

  private String lastWindows() {
    if (windows.isEmpty()) {
      return "";
    }
    SettlingRule.Window last = windows.get(windows.size() - 1);
    String throughputs = windows.size() < 2
        ? String.format(Locale.ROOT, "%,.0f/s", last.throughput())
        : String.format(Locale.ROOT, "%,.0f/s then %,.0f/s",
            windows.get(windows.size() - 2).throughput(), last.throughput());
    return ": " + throughputs + (Double.isNaN(last.jitShare()) ? ""
        : String.format(Locale.ROOT, ", JIT %.1f%% of CPU", last.jitShare() * 100));
  }
}
