package signup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClosedLoopTest {
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  /** Takes about a millisecond; every fifth one fails with "NOPE". */
  private final class CountingWorkload implements Workload {
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger mostInFlight = new AtomicInteger();

    @Override
    public CompletableFuture<?> start() {
      int n = started.incrementAndGet();
      mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      return CompletableFuture.runAsync(() -> {
        LockSupport.parkNanos(1_000_000);
        inFlight.decrementAndGet();
        if (n % 5 == 0) {
          throw new IllegalStateException("NOPE");
        }
      }, threads);
    }

    @Override
    public String classify(Throwable failure) {
      return failure.getMessage();
    }
  }

  @Test
  void aCountedRunStartsExactlyThatManyWithNeverMoreThanTheConcurrencyInFlight()
      throws InterruptedException {
    CountingWorkload workload = new CountingWorkload();

    Measurement m = new ClosedLoop(workload, 7, ClosedLoop.Limit.of(100)).run();

    assertEquals(100, workload.started.get());
    assertTrue(workload.mostInFlight.get() <= 7, "in flight: " + workload.mostInFlight.get());
    assertEquals(80, m.succeeded());
    assertEquals(Map.of("NOPE", 20L), m.errors());
    assertTrue(m.latency().p50() > 0 && m.latency().max() >= m.latency().p99());
    assertTrue(m.throughput() > 0);
  }

  @Test
  void aTimedRunStopsStartingAtTheEndAndWaitsForTheLast() throws InterruptedException {
    CountingWorkload workload = new CountingWorkload();

    Measurement m = new ClosedLoop(workload, 3, ClosedLoop.Limit.of(Duration.ofMillis(200)))
        .run();

    assertEquals(workload.started.get(), m.succeeded() + m.failed());
    assertEquals(0, workload.inFlight.get());
  }

  @Test
  void aWorkloadThatThrowsWhileStartingCountsAsAFailureNotACrash()
      throws InterruptedException {
    Workload broken = new Workload() {
      @Override
      public CompletableFuture<?> start() {
        throw new IllegalStateException("closed");
      }

      @Override
      public String classify(Throwable failure) {
        return failure.getMessage();
      }
    };

    Measurement m = new ClosedLoop(broken, 4, ClosedLoop.Limit.of(10)).run();

    assertEquals(0, m.succeeded());
    assertEquals(Map.of("closed", 10L), m.errors());
  }

  @Test
  void aCheckpointEndsATimedRunEarlyAndTheLoopStillWaitsForTheLast()
      throws InterruptedException {
    CountingWorkload workload = new CountingWorkload();
    List<Duration> asked = new ArrayList<>();
    ClosedLoop.Checkpoint thirdTime = new ClosedLoop.Checkpoint() {
      @Override
      public Duration period() {
        return Duration.ofMillis(10);
      }

      @Override
      public boolean stopNow(Duration elapsed, long succeeded) {
        asked.add(elapsed);
        return asked.size() == 3;
      }
    };

    Measurement m = new ClosedLoop(workload, 3, ClosedLoop.Limit.of(Duration.ofMinutes(1)),
        thirdTime).run();

    assertEquals(3, asked.size());
    assertTrue(asked.get(0).compareTo(Duration.ofMillis(10)) >= 0, asked.toString());
    assertTrue(asked.get(2).compareTo(Duration.ofMillis(30)) >= 0, asked.toString());
    assertTrue(m.elapsed().compareTo(Duration.ofMinutes(1)) < 0, m.elapsed().toString());
    assertEquals(workload.started.get(), m.succeeded() + m.failed());
    assertEquals(0, workload.inFlight.get());
  }

  @Test
  void aCheckpointIsAskedAtTheEndOfARunShorterThanItsPeriod() throws InterruptedException {
    List<Duration> asked = new ArrayList<>();
    ClosedLoop.Checkpoint never = new ClosedLoop.Checkpoint() {
      @Override
      public Duration period() {
        return Duration.ofMinutes(1);
      }

      @Override
      public boolean stopNow(Duration elapsed, long succeeded) {
        asked.add(elapsed);
        return false;
      }
    };

    new ClosedLoop(new CountingWorkload(), 2, ClosedLoop.Limit.of(Duration.ofMillis(100)), never)
        .run();

    assertEquals(1, asked.size());
    assertTrue(asked.get(0).compareTo(Duration.ofMillis(100)) >= 0, asked.toString());
  }

  @Test
  void aRefusedCallerWaitsAsAskedBeforeItsNextCallAndIsCountedApartFromFailures()
      throws InterruptedException {
    Duration retryAfter = Duration.ofMillis(150);
    List<Long> starts = new ArrayList<>();
    Workload refusesTheFirstTwo = new Workload() {
      @Override
      public CompletableFuture<?> start() {
        starts.add(System.nanoTime());
        return starts.size() <= 2
            ? CompletableFuture.failedFuture(new IllegalStateException("BUSY"))
            : CompletableFuture.completedFuture(null);
      }

      @Override
      public String classify(Throwable failure) {
        return failure.getMessage();
      }

      @Override
      public Optional<Duration> refusal(Throwable failure) {
        return Optional.of(retryAfter);
      }
    };

    Measurement m = new ClosedLoop(refusesTheFirstTwo, 1, ClosedLoop.Limit.of(4)).run();

    assertEquals(2, m.refused());
    assertEquals(2, m.succeeded());
    assertEquals(Map.of(), m.errors(), "a refusal is not a failure");
    assertTrue(m.refusalLatency().max() > 0, m.refusalLatency().toString());
    for (int i = 1; i <= 2; i++) {
      long waited = starts.get(i) - starts.get(i - 1);
      assertTrue(waited >= retryAfter.toNanos(), "call " + (i + 1) + " came "
          + waited / 1_000_000 + " ms after a refusal asking for " + retryAfter);
    }
  }

  @Test
  void eachCallersFirstCallIsLeftOutOfTheRefusalLatencyAfterFirst() throws InterruptedException {
    AtomicInteger calls = new AtomicInteger();
    Workload slowToRefuseAtFirst = new Workload() {
      @Override
      public CompletableFuture<?> start() {
        CompletableFuture<Object> refused = new CompletableFuture<>();
        if (calls.incrementAndGet() <= 2) {
          // The two callers' first calls, refused only after 50 ms, as in a burst.
          CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)
              .execute(() -> refused.completeExceptionally(new IllegalStateException("BUSY")));
        } else {
          refused.completeExceptionally(new IllegalStateException("BUSY"));
        }
        return refused;
      }

      @Override
      public String classify(Throwable failure) {
        return failure.getMessage();
      }

      @Override
      public Optional<Duration> refusal(Throwable failure) {
        return Optional.of(Duration.ZERO);
      }
    };

    Measurement m = new ClosedLoop(slowToRefuseAtFirst, 2, ClosedLoop.Limit.of(6)).run();

    assertEquals(6, m.refused());
    assertTrue(m.refusalLatency().max() >= 50, m.refusalLatency().toString());
    assertTrue(m.refusalLatencyAfterFirst().max() < 50,
        m.refusalLatencyAfterFirst().toString());
    assertTrue(m.refusalLatencyAfterFirst().max() > 0, "the four later refusals are timed");
  }

  @Test
  void callsTheWorkloadCallsLateAreCountedWhetherTheySucceededOrFailed()
      throws InterruptedException {
    AtomicInteger n = new AtomicInteger();
    Workload everyThirdLate = new Workload() {
      @Override
      public CompletableFuture<?> start() {
        return n.incrementAndGet() % 2 == 0
            ? CompletableFuture.failedFuture(new IllegalStateException("NOPE"))
            : CompletableFuture.completedFuture(null);
      }

      @Override
      public String classify(Throwable failure) {
        return failure.getMessage();
      }

      @Override
      public boolean late(Throwable failure, long latencyNanos) {
        return n.get() % 3 == 0;
      }
    };

    Measurement m = new ClosedLoop(everyThirdLate, 1, ClosedLoop.Limit.of(9)).run();

    assertEquals(3, m.late());
    assertEquals(0, m.refused());
    assertEquals(9, m.succeeded() + m.failed());
  }
}
