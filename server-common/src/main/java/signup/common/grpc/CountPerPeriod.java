package signup.common.grpc;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counts events that a flood can cause, and says at most once a period how many came since it
 * last said: one log line a minute, with its count, rather than one per event. Safe to call
 * from any thread.
 */
final class CountPerPeriod {
  private final long periodNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong count = new AtomicLong();
  private final AtomicLong lastReportNanos;

  /** The first event reports at once. */
  CountPerPeriod(Duration period) {
    this(period, System::nanoTime);
  }

  /** @param nanoTime the clock, {@link System#nanoTime} but in tests */
  CountPerPeriod(Duration period, LongSupplier nanoTime) {
    this.periodNanos = period.toNanos();
    this.nanoTime = nanoTime;
    this.lastReportNanos = new AtomicLong(nanoTime.getAsLong() - periodNanos);
  }

  /**
   * Counts one event; returns the events since the last report, this one included, when a
   * report is due now, else 0.
   */
  long countAndReport() {
    count.incrementAndGet();
    long now = nanoTime.getAsLong();
    long last = lastReportNanos.get();
    if (now - last >= periodNanos && lastReportNanos.compareAndSet(last, now)) {
      return count.getAndSet(0);
    }
    return 0;
  }
}
