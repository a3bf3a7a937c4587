package signup.common.domain;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import signup.common.ConcurrencyTesting;
import signup.common.MutableClock;
import signup.common.domain.TransactionResolver.CoordinatorUnavailableException;
import signup.common.domain.TransactionResolver.Outcome;

class ReservationSweeperTest {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");

  private final MutableClock clock = new MutableClock(NOW);
  private final FakeLedger ledger = new FakeLedger();
  private final FakeCoordinator coordinator = new FakeCoordinator();
  private final ReservationSweeper sweeper = new ReservationSweeper(ledger, coordinator,
      new ParticipantSettings(TTL, Duration.ofMillis(10)), clock);

  @Test
  void committedTransactionIsConfirmedAndAbortedOneIsCancelled() {
    ledger.reserve("committed", NOW.minusSeconds(60));
    ledger.reserve("aborted", NOW.minusSeconds(50));
    coordinator.decide("committed", Outcome.COMMIT);
    coordinator.decide("aborted", Outcome.ABORT);

    assertEquals(2, sweeper.sweepOnce());

    assertEquals(List.of("committed"), ledger.confirmed);
    assertEquals(List.of("aborted"), ledger.cancelled);
  }

  @Test
  void whileTheCoordinatorIsUnavailableNothingIsDecidedAndTheSweepStops() {
    ledger.reserve("a", NOW.minusSeconds(90));
    ledger.reserve("b", NOW.minusSeconds(80));
    ledger.reserve("c", NOW.minusSeconds(70));
    coordinator.down = true;

    assertEquals(0, sweeper.sweepOnce());

    assertEquals(List.of(), ledger.confirmed);
    assertEquals(List.of(), ledger.cancelled);
    assertEquals(List.of("a"), coordinator.asked, "one failure stands for all: no more asking");

    coordinator.down = false;
    coordinator.decide("a", Outcome.COMMIT);
    coordinator.decide("b", Outcome.ABORT);
    coordinator.decide("c", Outcome.ABORT);
    assertEquals(3, sweeper.sweepOnce(), "kept reservations are asked about on the next sweep");
    assertEquals(List.of("a"), ledger.confirmed);
    assertEquals(List.of("b", "c"), ledger.cancelled);
  }

  @Test
  void coordinatorGoingDownMidSweepKeepsWhatWasDecided() {
    ledger.reserve("a", NOW.minusSeconds(90));
    ledger.reserve("b", NOW.minusSeconds(80));
    coordinator.decide("a", Outcome.ABORT);
    coordinator.downAfter = 1;

    assertEquals(1, sweeper.sweepOnce());

    assertEquals(List.of("a"), ledger.cancelled);
    assertEquals(List.of(), ledger.confirmed);
    assertEquals(List.of("b"), ledger.claimReservedBefore(NOW, NOW, 10));
  }

  @Test
  void onlyReservationsOlderThanTheTtlAreConsidered() {
    ledger.reserve("past-ttl", NOW.minus(TTL).minusSeconds(1));
    ledger.reserve("exactly-ttl", NOW.minus(TTL));
    ledger.reserve("young", NOW.minus(TTL).plusSeconds(2));
    coordinator.decide("past-ttl", Outcome.ABORT);
    coordinator.decide("exactly-ttl", Outcome.ABORT);
    coordinator.decide("young", Outcome.COMMIT);

    assertEquals(1, sweeper.sweepOnce());

    assertEquals(List.of(NOW.minus(TTL)), ledger.cutoffsAsked);
    assertEquals(List.of("past-ttl"), coordinator.asked);
    assertEquals(List.of("past-ttl"), ledger.cancelled);

    clock.advance(Duration.ofSeconds(3));
    assertEquals(2, sweeper.sweepOnce());
    assertEquals(List.of("past-ttl", "exactly-ttl"), ledger.cancelled);
    assertEquals(List.of("young"), ledger.confirmed);
  }

  @Test
  void nothingExpiredMeansNobodyIsAsked() {
    ledger.reserve("young", NOW.minusSeconds(1));

    assertEquals(0, sweeper.sweepOnce());
    assertEquals(List.of(), coordinator.asked);
  }

  @Test
  void startedSweeperKeepsSweepingAfterASweepFails() {
    ledger.reserve("a", NOW.minusSeconds(60));
    coordinator.decide("a", Outcome.COMMIT);
    ledger.failNextListings.set(2);

    sweeper.start("test");
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> ledger.confirmed.contains("a"));
    } finally {
      sweeper.close();
    }
    assertEquals(0, ledger.failNextListings.get());
  }

  @Test
  void closedSweeperStopsSweeping() {
    sweeper.start("test");
    await().atMost(Duration.ofSeconds(10)).until(() -> ledger.cutoffsAsked.size() >= 1);

    sweeper.close();
    int sweepsAtClose = ledger.cutoffsAsked.size();
    // A second, independent sweeper proves time passes by sweeping several times meanwhile.
    FakeLedger other = new FakeLedger();
    try (ReservationSweeper witness = new ReservationSweeper(other, coordinator,
        new ParticipantSettings(TTL, Duration.ofMillis(10)), clock)) {
      witness.start("witness");
      await().atMost(Duration.ofSeconds(10)).until(() -> other.cutoffsAsked.size() >= 5);
    }
    assertEquals(sweepsAtClose, ledger.cutoffsAsked.size());
  }

  @Test
  void closeWaitsForTheSweepInProgressSoTheLedgerCanBeClosedNext() throws Exception {
    ledger.reserve("a", NOW.minusSeconds(60));
    coordinator.decide("a", Outcome.COMMIT);
    CountDownLatch inResolve = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    coordinator.beforeAnswer = () -> {
      inResolve.countDown();
      awaitIgnoringInterrupts(release); // like a write that an interrupt does not stop
    };
    sweeper.start("test");
    assertTrue(inResolve.await(10, TimeUnit.SECONDS));

    CompletableFuture<Void> closed = new CompletableFuture<>();
    Thread closer = new Thread(() -> {
      sweeper.close();
      closed.complete(null);
    });
    closer.start();
    ConcurrencyTesting.awaitParkedIn("awaitTermination", List.of(closer));
    assertFalse(closed.isDone(), "close returned while a sweep was still running");

    release.countDown();
    closed.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("a"), ledger.confirmed,
        "the running sweep finished before close returned");
  }

  private static void awaitIgnoringInterrupts(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reservations in memory: txn id to when it was reserved. */
  private static final class FakeLedger implements ReservationLedger {
    final Map<String, Instant> reserved = new ConcurrentHashMap<>();
    final List<String> confirmed = new CopyOnWriteArrayList<>();
    final List<String> cancelled = new CopyOnWriteArrayList<>();
    final List<Instant> cutoffsAsked = new CopyOnWriteArrayList<>();
    final AtomicInteger failNextListings = new AtomicInteger();

    void reserve(String txnId, Instant at) {
      reserved.put(txnId, at);
    }

    @Override
    public List<String> claimReservedBefore(Instant cutoff, Instant claimUntil, int limit) {
      cutoffsAsked.add(cutoff);
      if (failNextListings.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IllegalStateException("database busy");
      }
      List<Map.Entry<String, Instant>> old = new ArrayList<>();
      for (Map.Entry<String, Instant> entry : reserved.entrySet()) {
        if (entry.getValue().isBefore(cutoff)) {
          old.add(entry);
        }
      }
      old.sort(Map.Entry.comparingByValue(Comparator.naturalOrder()));
      return old.stream().limit(limit).map(Map.Entry::getKey).toList();
    }

    @Override
    public void confirm(String txnId) {
      reserved.remove(txnId);
      confirmed.add(txnId);
    }

    @Override
    public void cancel(String txnId) {
      reserved.remove(txnId);
      cancelled.add(txnId);
    }
  }

  private static final class FakeCoordinator implements TransactionResolver {
    final Map<String, Outcome> decisions = new HashMap<>();
    final List<String> asked = new CopyOnWriteArrayList<>();
    volatile boolean down;
    volatile int downAfter = Integer.MAX_VALUE;
    volatile Runnable beforeAnswer = () -> { };

    void decide(String txnId, Outcome outcome) {
      decisions.put(txnId, outcome);
    }

    @Override
    public Outcome resolve(String txnId) {
      asked.add(txnId);
      if (down || asked.size() > downAfter) {
        throw new CoordinatorUnavailableException("UNAVAILABLE: connection refused", null);
      }
      beforeAnswer.run();
      Outcome outcome = decisions.get(txnId);
      if (outcome == null) {
        throw new AssertionError("the test did not decide " + txnId);
      }
      return outcome;
    }
  }
}
