package signup.orchestrator.domain;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import signup.common.fault.CrashPoints;
import signup.common.domain.DaemonThreads;

/** The second phase's retries: declared, waiting on timers, never holding a thread. */
class SecondPhaseTest {
  private final ScheduledThreadPoolExecutor scheduler =
      new ScheduledThreadPoolExecutor(1, DaemonThreads.named("test-retries"));
  private final ExecutorService replies =
      Executors.newSingleThreadExecutor(DaemonThreads.named("test-replies"));

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
    replies.shutdownNow();
  }

  /**
   * Fails each txn's first {@code failures} calls, then acknowledges it. Its failures are of a
   * participant that answers but cannot write yet (its disk full): retried, yet not "down", so
   * that these tests see the retries and not the breaker of a participant that is down.
   */
  static final class Flaky implements Participant {
    final int failures;
    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    Flaky(int failures) {
      this.failures = failures;
    }

    @Override
    public String name() {
      return "flaky";
    }

    private <T> CompletableFuture<T> answer(String txnId, T acknowledgement) {
      int attempt = attempts.computeIfAbsent(txnId, t -> new AtomicInteger()).incrementAndGet();
      return attempt <= failures ? CompletableFuture.failedFuture(new ParticipantException(
          FailureKind.RESOURCE_EXHAUSTED, true, "its store is out of space", null))
          : CompletableFuture.completedFuture(acknowledgement);
    }

    @Override
    public CompletableFuture<Optional<Instant>> confirm(String txnId) {
      return answer(txnId, Optional.empty());
    }

    @Override
    public CompletableFuture<Void> cancel(String txnId) {
      return answer(txnId, null);
    }

    int attemptsOf(String txnId) {
      return attempts.getOrDefault(txnId, new AtomicInteger()).get();
    }
  }

  /** Until it opens, the replies of {@link RepliesOnItsThread} wait. */
  private volatile CountDownLatch replyGate = new CountDownLatch(0);

  /** Acknowledges every call, from a thread of its own: as a transport thread would. */
  class RepliesOnItsThread implements Participant {
    @Override
    public String name() {
      return "prompt";
    }

    @Override
    public CompletableFuture<Optional<Instant>> confirm(String txnId) {
      return cancel(txnId).thenApply(acknowledged -> Optional.empty());
    }

    @Override
    public CompletableFuture<Void> cancel(String txnId) {
      CountDownLatch gate = replyGate;
      return CompletableFuture.runAsync(() -> {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, replies);
    }
  }

  private SecondPhase secondPhase(Participant... participants) {
    return new SecondPhase(List.of(participants), scheduler, CrashPoints.none());
  }

  @Test
  void confirmsThatFailManyTimesAreAllRetriedAtOnceByOneSchedulerThreadThatNoneOfThemHolds() {
    int txns = 50;
    int failures = 5;
    Flaky flaky = new Flaky(failures);
    SecondPhase secondPhase = secondPhase(flaky);
    AtomicInteger retrying = new AtomicInteger();
    List<CompletableFuture<?>> confirms = new ArrayList<>();

    for (int i = 0; i < txns; i++) {
      confirms.add(secondPhase.confirmAll("txn-" + i, retrying::incrementAndGet));
    }

    // Every txn waits for its next retry at the same moment, on a scheduler of one thread: a
    // waiting retry is a timer, not a parked thread (parked, these would take one after the
    // other: 50 x 1.5 s of backoff).
    await().atMost(Duration.ofSeconds(5))
        .until(() -> scheduler.getQueue().size() == txns);
    assertEquals(1, scheduler.getPoolSize());
    await().atMost(Duration.ofSeconds(20))
        .until(() -> confirms.stream().allMatch(CompletableFuture::isDone));
    for (int i = 0; i < txns; i++) {
      assertFalse(confirms.get(i).isCompletedExceptionally(), "txn-" + i);
      assertEquals(failures + 1, flaky.attemptsOf("txn-" + i), "attempts of txn-" + i);
    }
    assertEquals(txns, retrying.get(), "the retrying callback runs once per txn");
    assertEquals(1, scheduler.getLargestPoolSize());
  }

  @Test
  void aConfirmIsRetriedPastAnyBudgetUntilItIsAcknowledged() {
    Flaky flaky = new Flaky(8); // ~5 s of backoff: longer than any request waits
    SecondPhase secondPhase = secondPhase(flaky, new RepliesOnItsThread());

    CompletableFuture<?> confirmed = secondPhase.confirmAll("t1", () -> { });

    await().atMost(Duration.ofSeconds(30)).until(confirmed::isDone);
    assertFalse(confirmed.isCompletedExceptionally());
    assertEquals(9, flaky.attemptsOf("t1"));
  }

  @Test
  void aConfirmAcknowledgedAtOnceCompletesOnTheReplysThreadWithoutTouchingTheScheduler() {
    SecondPhase secondPhase = secondPhase(new RepliesOnItsThread(), new RepliesOnItsThread());
    AtomicReference<String> completedOn = new AtomicReference<>();
    replyGate = new CountDownLatch(1); // the replies come once all is chained, as over a network

    CompletableFuture<Void> completed =
        secondPhase.confirmAll("t1", () -> { throw new AssertionError("nothing to retry"); })
            .thenRun(() -> completedOn.set(Thread.currentThread().getName()));
    replyGate.countDown();
    completed.join();

    assertEquals("test-replies", completedOn.get());
    assertEquals(0, scheduler.getTaskCount());
  }

  @Test
  void aConfirmRefusedForGoodIsNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    Participant refusing = new RepliesOnItsThread() {
      @Override
      public CompletableFuture<Optional<Instant>> confirm(String txnId) {
        attempts.incrementAndGet();
        return CompletableFuture.failedFuture(new ParticipantException(FailureKind.INTERNAL,
            false, "confirm of a cancelled txn", null));
      }
    };

    CompletableFuture<?> confirmed = secondPhase(refusing).confirmAll("t1", () -> { });

    assertTrue(confirmed.isCompletedExceptionally());
    assertEquals(1, attempts.get());
    assertEquals(0, scheduler.getTaskCount());
  }

  @Test
  void aParticipantFoundDownIsNotCalledAgainUntilItIsTriedOnceAndAnswers() {
    AtomicInteger calls = new AtomicInteger();
    AtomicReference<Boolean> up = new AtomicReference<>(false);
    Participant flapping = new RepliesOnItsThread() {
      @Override
      public CompletableFuture<Void> cancel(String txnId) {
        calls.incrementAndGet();
        return up.get() ? CompletableFuture.completedFuture(null)
            : CompletableFuture.failedFuture(FakeParticipants.unavailable());
      }
    };
    SecondPhase secondPhase = secondPhase(flapping);
    for (int i = 0; i < DownParticipants.FAILURES; i++) {
      assertFalse(secondPhase.cancelAll("t" + i, Duration.ZERO).join());
    }
    assertEquals(DownParticipants.FAILURES, calls.get());

    // Down: a cancel, even with a budget, ends at once without a call.
    long started = System.nanoTime();
    assertFalse(secondPhase.cancelAll("t-down", Duration.ofSeconds(5)).join());
    assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(1)) < 0);
    assertEquals(DownParticipants.FAILURES, calls.get(), "not called while known to be down");

    up.set(true);
    await().atMost(Duration.ofSeconds(5))
        .until(() -> secondPhase.cancelAll("t-back", Duration.ZERO).join());
    assertEquals(DownParticipants.FAILURES + 1, calls.get(), "one call tried it, and it answered");
    assertTrue(secondPhase.cancelAll("t-next", Duration.ZERO).join());
  }

  @Test
  void aCancelWithoutBudgetIsTriedOnceAndOneWithABudgetIsRetriedWithinIt() {
    Flaky once = new Flaky(2);
    assertFalse(secondPhase(once).cancelAll("t1", Duration.ZERO).join());
    assertEquals(1, once.attemptsOf("t1"));

    Flaky twice = new Flaky(2);
    assertTrue(secondPhase(twice).cancelAll("t1", Duration.ofSeconds(5)).join());
    assertEquals(3, twice.attemptsOf("t1"));
  }
}
