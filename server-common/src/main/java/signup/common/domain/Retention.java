package signup.common.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long the records of a finished transaction are kept: the orchestrator's DONE and ABORTED
 * log rows, the participants' confirmed and cancelled barrier rows (tombstones included). The
 * business rows (clients, subscriptions) are kept for good. A request_id is answered with its
 * first outcome for this long after the sign-up finished; a replay after that starts anew.
 */
public record Retention(Duration period) {
  public static final Duration DEFAULT_PERIOD = Duration.ofDays(7);
  public static final Retention DEFAULT = new Retention(DEFAULT_PERIOD);
  /** However long the period, finished rows are looked for at least this often. */
  private static final Duration LONGEST_PURGE_INTERVAL = Duration.ofMinutes(5);

  public Retention {
    Objects.requireNonNull(period, "period");
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("retention must be positive, not " + period);
    }
  }

  /** Records of transactions finished before this instant may go. */
  public Instant cutoff(Instant now) {
    return now.minus(period);
  }

  /**
   * How often to purge: a tenth of the period, so that nothing outlives it by more than a tenth,
   * and at most every five minutes, so that each purge has little to do.
   */
  public Duration purgeInterval() {
    Duration tenth = period.dividedBy(10);
    if (tenth.isZero()) {
      return Duration.ofMillis(1);
    }
    return tenth.compareTo(LONGEST_PURGE_INTERVAL) < 0 ? tenth : LONGEST_PURGE_INTERVAL;
  }

  /**
   * This retention, unless it is shorter than {@code minimum}, the least the protocol needs.
   *
   * @throws IllegalArgumentException naming both
   */
  public Retention requireAtLeast(Duration minimum) {
    if (period.compareTo(minimum) < 0) {
      throw new IllegalArgumentException("retention " + period
          + " is shorter than the protocol needs: at least " + minimum);
    }
    return this;
  }
}
