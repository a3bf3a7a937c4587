package signup.bench;

import java.time.Duration;

/**
 * The flood step: while a closed loop of {@code concurrency} sign-ups runs, {@code threads}
 * threads send Signup calls with a {@code callDeadline} (1 ms: issue 12's report, 24,000 such
 * calls from 16 threads) as fast as they are answered.
 *
 * @param concurrency of the normal closed loop during the flood; the step of the sweep at the
 *     same concurrency is its baseline
 */
public record FloodSettings(int concurrency, int threads, Duration callDeadline) {
  public static final int THREADS = 16;
  public static final Duration CALL_DEADLINE = Duration.ofMillis(1);

  public FloodSettings {
    if (concurrency < 1 || threads < 1) {
      throw new IllegalArgumentException("a flood needs a concurrency and threads");
    }
    if (callDeadline.isNegative() || callDeadline.isZero()) {
      throw new IllegalArgumentException("a flood's calls need a deadline");
    }
  }

  /** Issue 12's flood beside a closed loop of {@code concurrency}. */
  public static FloodSettings at(int concurrency) {
    return new FloodSettings(concurrency, THREADS, CALL_DEADLINE);
  }
}
