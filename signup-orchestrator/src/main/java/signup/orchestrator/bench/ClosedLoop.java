package signup.orchestrator.bench;

import java.time.Duration;
import java.util.Map;
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
 * one ends) until a duration has passed or a count has been started, then waits for the last
 * ones. One thread issues; completions arrive on whatever thread the workload completes on.
 */
final class ClosedLoop {
  /** Longer than any operation's own deadline: only a workload without one can hit it. */
  private static final Duration DRAIN_LIMIT = Duration.ofMinutes(2);

  private final Workload workload;
  private final int concurrency;
  private final Limit limit;
  private final Recorder latencyMicros = new Recorder(3);
  private final LongAdder succeeded = new LongAdder();
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

  ClosedLoop(Workload workload, int concurrency, Limit limit) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1");
    }
    this.workload = workload;
    this.concurrency = concurrency;
    this.limit = limit;
  }

  Measurement run() throws InterruptedException {
    Semaphore slots = new Semaphore(concurrency);
    long start = System.nanoTime();
    startNanos = start;
    lastCompletion.set(start);
    long end = limit.byCount() ? Long.MAX_VALUE : start + limit.duration().toNanos();
    long started = 0;
    while (true) {
      slots.acquire();
      if (limit.byCount() ? started >= limit.count() : System.nanoTime() - end >= 0) {
        slots.release();
        break;
      }
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
        latencyMicros.recordValue(Math.max(1, (t1 - t0) / 1000));
        if (failure == null) {
          succeeded.increment();
        } else {
          Throwable cause = failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause() : failure;
          errors.computeIfAbsent(workload.classify(cause), k -> new LongAdder()).increment();
        }
        lastCompletion.accumulateAndGet(t1, Math::max);
        slots.release();
      });
    }
    if (!slots.tryAcquire(concurrency, DRAIN_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("operations still running " + DRAIN_LIMIT + " after the "
          + "end of the step");
    }
    return new Measurement(succeeded.sum(), errors.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum())),
        Duration.ofNanos(lastCompletion.get() - start),
        Measurement.Latency.of(latencyMicros.getIntervalHistogram()));
  }

  /** Operations finished so far, for a progress display. */
  long completed() {
    return succeeded.sum() + failed();
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
