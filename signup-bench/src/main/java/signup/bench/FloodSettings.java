package signup.bench;

import java.time.Duration;

/**
 * The flood step: while a closed loop of {@code concurrency} sign-ups runs, {@code threads}
 * threads send Signup calls with a {@code callDeadline} (1 ms: issue 12's report, 24,000 such
 * calls from 16 threads) as fast as they are answered.
 *
 * @param concurrency of the normal closed loop during the flood
 * @param splitCpus self-hosted, run the services on half the CPUs and the bench (the flood's
 *     client) on the others, and measure the loop without the flood on the same split first
 *     ({@link CpuSplit}); otherwise, or where the CPUs cannot be split, the flood shares the
 *     services' CPUs and the sweep's step at the same concurrency is the baseline
 */
public record FloodSettings(int concurrency, int threads, Duration callDeadline,
    boolean splitCpus) {
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
    return new FloodSettings(concurrency, THREADS, CALL_DEADLINE, true);
  }
}
