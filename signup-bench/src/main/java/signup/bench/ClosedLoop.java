package signup.bench;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.HdrHistogram.Recorder;

/**
 * Keeps exactly {@code concurrency} operations in flight (a closed loop: a new one starts when
 * one ends) until a duration has passed or a count has been started, or a {@link Checkpoint}
 * ends it earlier, then waits for the last ones. One thread issues; completions arrive on
 * whatever thread the workload completes on.
 *
 * <p>A refused operation ({@link Workload#refusal}) is what a well-behaved client gets from an
 * overloaded server: its caller waits as long as the refusal asks (gRPC's own retry pushback
 * waits exactly the server's delay too) before its next call, rather than calling again at
 * once. A closed loop that spun on refusals would measure the server refusing its own callers
 * in a tight loop, not how much it serves; so the slot stays taken during the wait, and the
 * next call is the caller's next sign-up (a refused one left nothing behind, so that is the
 * same as retrying it). Refusals are counted and timed apart from the other operations.
 */
final class ClosedLoop {
  /** Longer than any operation's own deadline: only a workload without one can hit it. */
  private static final Duration DRAIN_LIMIT = Duration.ofMinutes(2);

  private final Workload workload;
  private final int concurrency;
  private final Limit limit;
  private final Checkpoint checkpoint;
  private final Recorder latencyMicros = new Recorder(3);
  private final Recorder refusalMicros = new Recorder(3);
  /** Refusals of calls after each caller's first: the {@code concurrency} calls that start it. */
  private final Recorder refusalAfterFirstMicros = new Recorder(3);
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder late = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final AtomicLong lastCompletion = new AtomicLong();
  private volatile long startNanos;

  /** Stop after a duration, or once {@code count} operations have been started. */
  record Limit(Duration duration, long count) {
    static Limit of(Duration duration) {
      return new Limit(duration, 0);
    }

    static Limit of(long count) {
      return new Limit(null, count);
    }

    boolean byCount() {
      return duration == null;
    }
  }

  /**
   * Asked by the issuing thread, at every {@link #period} of a timed run and at its end, whether
   * the run may end now; once it says so no operation starts and the loop waits for the ones in
   * flight. A check delays the next start, never the operations in flight.
   */
  interface Checkpoint {
    Duration period();

    /**
     * @param elapsed since the loop started
     * @param succeeded operations that succeeded so far
     */
    boolean stopNow(Duration elapsed, long succeeded);
  }

  ClosedLoop(Workload workload, int concurrency, Limit limit) {
    this(workload, concurrency, limit, null);
  }

  /** @param checkpoint may end a timed run early; null for none */
  ClosedLoop(Workload workload, int concurrency, Limit limit, Checkpoint checkpoint) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1");
    }
    if (checkpoint != null && (limit.byCount() || checkpoint.period().isZero()
        || checkpoint.period().isNegative())) {
      throw new IllegalArgumentException("a checkpoint needs a timed run and a period");
    }
    this.workload = workload;
    this.concurrency = concurrency;
    this.limit = limit;
    this.checkpoint = checkpoint;
  }

  Measurement run() throws InterruptedException {
    Semaphore slots = new Semaphore(concurrency);
    long start = System.nanoTime();
    startNanos = start;
    lastCompletion.set(start);
    long end = limit.byCount() ? Long.MAX_VALUE : start + limit.duration().toNanos();
    long period = checkpoint == null ? 0 : checkpoint.period().toNanos();
    long nextCheck = checkpoint == null ? 0 : earlier(start + period, end);
    long started = 0;
    while (true) {
      slots.acquire();
      boolean stop;
      if (limit.byCount()) {
        stop = started >= limit.count();
      } else {
        long now = System.nanoTime();
        stop = now - end >= 0;
        if (checkpoint != null && now - nextCheck >= 0) {
          stop |= checkpoint.stopNow(Duration.ofNanos(now - start), succeeded.sum());
          nextCheck = earlier(nextCheck + period, end);
        }
      }
      if (stop) {
        slots.release();
        break;
      }
      boolean firstOfItsCaller = started < concurrency;
      started++;
      long t0 = System.nanoTime();
      CompletableFuture<?> operation;
      try {
        operation = workload.start();
      } catch (RuntimeException e) {
        operation = CompletableFuture.failedFuture(e);
      }
      operation.whenComplete((ignored, failure) -> {
        long t1 = System.nanoTime();
        long micros = Math.max(1, (t1 - t0) / 1000);
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        if (workload.late(cause, t1 - t0)) {
          late.increment();
        }
        Optional<Duration> refusal = cause == null ? Optional.empty() : workload.refusal(cause);
        if (refusal.isPresent()) {
          refused.increment();
          refusalMicros.recordValue(micros);
          if (!firstOfItsCaller) {
            refusalAfterFirstMicros.recordValue(micros);
          }
        } else {
          latencyMicros.recordValue(micros);
          if (cause == null) {
            succeeded.increment();
          } else {
            errors.computeIfAbsent(workload.classify(cause), k -> new LongAdder()).increment();
          }
        }
        lastCompletion.accumulateAndGet(t1, Math::max);
        if (refusal.isEmpty() || refusal.get().isZero()) {
          slots.release();
        } else {
          // The caller waits as asked, holding its slot; a timer thread frees it.
          CompletableFuture.delayedExecutor(refusal.get().toNanos(), TimeUnit.NANOSECONDS,
              Runnable::run).execute(slots::release);
        }
      });
    }
    if (!slots.tryAcquire(concurrency, DRAIN_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("operations still running " + DRAIN_LIMIT + " after the "
          + "end of the step");
    }
    return new Measurement(succeeded.sum(), errors.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum())),
        Duration.ofNanos(lastCompletion.get() - start),
        Measurement.Latency.of(latencyMicros.getIntervalHistogram()), refused.sum(),
        Measurement.Latency.of(refusalMicros.getIntervalHistogram()),
        Measurement.Latency.of(refusalAfterFirstMicros.getIntervalHistogram()), late.sum());
  }

  /** Of two System.nanoTime() values, the earlier (which may overflow, hence no Math.min). */
  private static long earlier(long a, long b) {
    return a - b <= 0 ? a : b;
  }

  /** Operations finished so far, for a progress display. */
  long completed() {
    return succeeded.sum() + failed() + refused.sum();
  }

  long failed() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** How far the step is, 0 to 1. */
  double fractionDone() {
    if (limit.byCount()) {
      return limit.count() == 0 ? 1 : Math.min(1, completed() / (double) limit.count());
    }
    long started = startNanos;
    if (started == 0) {
      return 0;
    }
    return Math.min(1, (System.nanoTime() - started) / (double) limit.duration().toNanos());
  }

  /** Successful operations per second since the start. */
  double currentThroughput() {
    long started = startNanos;
    double seconds = started == 0 ? 0 : (System.nanoTime() - started) / 1e9;
    return seconds <= 0 ? 0 : succeeded.sum() / seconds;
  }
}
