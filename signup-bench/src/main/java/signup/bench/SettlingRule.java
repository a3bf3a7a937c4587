package signup.bench;

import java.time.Duration;
import java.util.List;

/**
 * When the warm-up before a system's first step may end: once throughput has stopped changing
 * from one window to the next and the JIT compilers have gone quiet, never before
 * {@code minimum} and never after {@code maximum}. A fixed warm-up does not fit: on two cores
 * the four JVMs' C2 compilers keep working for 50-60 s, and a step measured while they do
 * varied 2.5 times from run to run.
 *
 * @param minimum the shortest warm-up: two early windows can agree by chance while most of
 *     the compiling is still ahead; at most {@code maximum} (a shorter maximum wins)
 * @param maximum the longest warm-up, settled or not; zero for none
 * @param window how long each window runs; throughputs are compared window to window
 * @param tolerance how far apart the last two windows' throughputs may be, as a fraction of
 *     the higher one
 * @param jitShareLimit the largest share of the processes' CPU that their JIT compiler threads
 *     may have used in the last window; a window whose share is unknown (no /proc) passes
 */
record SettlingRule(Duration minimum, Duration maximum, Duration window, double tolerance,
    double jitShareLimit) {
  static final Duration WINDOW = Duration.ofSeconds(5);
  /**
   * Not 5%: on a shared two-core machine, with the JIT quiet, consecutive 5 s windows still
   * differed by 5-7% typically and up to 19%; the JIT's share is what tells compiling apart.
   */
  static final double TOLERANCE = 0.10;
  /**
   * Measured on two cores (minimum hash, 64 in flight): 47-55% of the four JVMs' CPU for the
   * first 25 s, 30% at 35 s, 5% at 50 s, then 0.4-3% from 55 s on, never quite zero.
   */
  static final double JIT_SHARE_LIMIT = 0.03;
  static final SettlingRule NONE = between(Duration.ZERO, Duration.ZERO);

  SettlingRule {
    if (minimum.isNegative() || maximum.isNegative() || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("negative warm-up, or an empty window");
    }
    if (minimum.compareTo(maximum) > 0) {
      minimum = maximum;
    }
  }

  /** Between {@code minimum} and {@code maximum}, in the default windows and tolerances. */
  static SettlingRule between(Duration minimum, Duration maximum) {
    return new SettlingRule(minimum, maximum, WINDOW, TOLERANCE, JIT_SHARE_LIMIT);
  }

  boolean none() {
    return maximum.isZero();
  }

  /**
   * What one window of a warm-up measured.
   *
   * @param end how long after the start of the warm-up the window ended
   * @param throughput successful operations per second within the window
   * @param jitShare the share of the processes' CPU that their JIT compiler threads used in
   *     the window, 0 to 1; NaN when unknown
   */
  record Window(Duration end, double throughput, double jitShare) {}

  enum Verdict { GO_ON, SETTLED, MAXIMUM }

  /** Whether a warm-up that measured these windows, the last one just now, should end. */
  Verdict judge(List<Window> windows) {
    if (windows.isEmpty()) {
      return Verdict.GO_ON;
    }
    Window last = windows.get(windows.size() - 1);
    if (windows.size() >= 2 && last.end().compareTo(minimum) >= 0
        && agree(windows.get(windows.size() - 2).throughput(), last.throughput())
        && quiet(last.jitShare())) {
      return Verdict.SETTLED;
    }
    return last.end().compareTo(maximum) >= 0 ? Verdict.MAXIMUM : Verdict.GO_ON;
  }

  private boolean agree(double previous, double last) {
    return Math.abs(last - previous) <= tolerance * Math.max(previous, last);
  }

  private boolean quiet(double jitShare) {
    return Double.isNaN(jitShare) || jitShare <= jitShareLimit;
  }
}
