package signup.orchestrator.domain;

/**
 * How many sign-ups the orchestrator lets run at once right now: {@code --max-in-flight} while
 * they come back quickly, less while they come back slow, which says they queue somewhere
 * (client-server's two hashers, with production hashing, serve ~57 a second: at 256 in flight
 * each waited past the reserve deadline, and goodput fell to a third of the peak). Past the
 * limit a call is refused at once, before any write, with a retry hint; under it, every
 * sign-up admitted has the queue's time to finish within its deadlines.
 *
 * <p>Additive increase, multiplicative decrease, as TCP's congestion window: a quarter off when
 * sign-ups come back slower than the target, one more for each limit's worth of quick ones.
 * Only sign-ups admitted since the last cut can cut again, so the backlog admitted before it,
 * slow as it drains, does not cut the limit down to the floor ("once per round trip"). A single
 * slow sign-up (a checkpoint's stall) does not cut: {@value #SLOW_TO_CUT} must.
 *
 * <p>Thread-safe; each call holds the lock for a few arithmetic steps.
 */
final class AdmissionLimit {
  /** Slow sign-ups, admitted since the last cut, that cut the limit. */
  static final int SLOW_TO_CUT = 3;
  /** The least the limit is cut to: enough to keep two hashers and a writer busy. */
  static final int FLOOR = 16;
  /** The weight of each sign-up in the smoothed time they take. */
  private static final double SMOOTHING = 0.05;

  private final int max;
  private final int floor;
  private final long slowNanos;
  private int limit;
  /** Cuts so far: a sign-up remembers the one it was admitted in. */
  private long cuts;
  private int slowSinceCut;
  private int quickSinceGrowth;
  /** How long sign-ups take, smoothed over the last few dozen; 0 before the first. */
  private double typicalNanos;

  /**
   * @param max the most ever admitted at once
   * @param slowNanos a sign-up slower than this, from admission to outcome, is a sign of a
   *     queue; 0 or less keeps the limit at {@code max}
   */
  AdmissionLimit(int max, long slowNanos) {
    this.max = max;
    this.floor = Math.min(FLOOR, max);
    this.slowNanos = slowNanos;
    this.limit = max;
  }

  synchronized int current() {
    return limit;
  }

  /**
   * How long a sign-up takes here now (smoothed), 0 before any: a caller refused for the limit
   * is told to come back after about that long, when the sign-ups under way have made room.
   * A fixed short hint had the refused callers of a closed loop of 1,024 ask ~3,800 times a
   * second, and answering them cost the hashers a fifth of their CPU.
   */
  synchronized long typicalNanos() {
    return (long) typicalNanos;
  }

  /** The cut a sign-up admitted now belongs to, to hand back to {@link #finished}. */
  synchronized long cuts() {
    return cuts;
  }

  /**
   * A sign-up admitted during cut {@code admittedInCut} took {@code nanos} to its outcome;
   * {@code overloaded} when a participant refused it for overload or did not answer in time.
   */
  synchronized void finished(long admittedInCut, long nanos, boolean overloaded) {
    typicalNanos = typicalNanos == 0 ? nanos : typicalNanos + SMOOTHING * (nanos - typicalNanos);
    if (slowNanos <= 0) {
      return;
    }
    if (overloaded || nanos > slowNanos) {
      if (admittedInCut == cuts && ++slowSinceCut >= SLOW_TO_CUT) {
        limit = Math.max(floor, limit - Math.max(1, limit / 4));
        cuts++;
        slowSinceCut = 0;
        quickSinceGrowth = 0;
      }
    } else if (limit < max && ++quickSinceGrowth >= limit) {
      limit++;
      quickSinceGrowth = 0;
    }
  }
}
