package signup.orchestrator.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static signup.common.domain.Completions.await;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.common.MutableClock;
import signup.common.domain.Device;
import signup.common.store.SqliteDatabase;
import signup.orchestrator.domain.FakeParticipants.Clients;
import signup.orchestrator.domain.FakeParticipants.Subscriptions;
import signup.orchestrator.store.OrchestratorSchema;
import signup.orchestrator.store.SqlSignupLog;

/** One recovery pass over log rows a crashed orchestrator left, on a clock the test moves. */
class RecoveryPassTest {
  private static final ProtocolSettings SETTINGS = new ProtocolSettings(Duration.ofSeconds(1),
      Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMillis(500),
      Duration.ofSeconds(1));
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;
  SqliteDatabase db;
  SignupLog signupLog;
  final MutableClock clock = new MutableClock(START);
  final Clients clients = new Clients();
  final Subscriptions subscriptions = new Subscriptions();
  SignupCoordinator coordinator;
  Recovery recovery;

  @BeforeEach
  void openLog() {
    db = SqliteDatabase.open(OrchestratorSchema.SPEC, dir.resolve("orchestrator.db"));
    signupLog = new SqlSignupLog(db);
    coordinator = new SignupCoordinator(signupLog, clients, subscriptions, SETTINGS, clock);
    recovery = new Recovery(signupLog, coordinator, SETTINGS, clock);
  }

  @AfterEach
  void closeLog() {
    recovery.close();
    db.close();
  }

  /** A TRYING row written now, given up at now + tryTimeout. */
  private String trying(String email) {
    String txnId = UUID.randomUUID().toString();
    SignupRequest request = SignupRequest.validate(null, email, "Ada Lovelace",
        "correct-horse-battery", "US", Device.IOS);
    Instant now = clock.instant();
    await(signupLog.insertTrying(SignupRecord.trying(txnId, UUID.randomUUID().toString(), request,
        now, now.plus(SETTINGS.tryTimeout()))));
    return txnId;
  }

  private String committing(String email) {
    String txnId = trying(email);
    assertTrue(await(signupLog.markCommitting(txnId, clock.instant(),
        new SubscriptionReservation("sub-" + txnId, FakeParticipants.US_IOS,
            clock.instant(), clock.instant()), clock.instant(), clock.instant())));
    return txnId;
  }

  private String aborting(String email) {
    String txnId = trying(email);
    assertTrue(signupLog.markAborting(txnId, FailureKind.UNAVAILABLE, "client-server is down",
        clock.instant()));
    return txnId;
  }

  private SignupState stateOf(String txnId) {
    return signupLog.find(txnId).orElseThrow().state();
  }

  /** Past the time a decided row is left to its request. */
  private void pastTheGrace() {
    clock.advance(SETTINGS.recoveryGrace().plusMillis(1));
  }

  @Test
  void decidedRowsWithinTheirGraceAreLeftToTheRequestsThatDecidedThem() {
    String committing = committing("committing@example.com");
    String aborting = aborting("aborting@example.com");
    clock.advance(SETTINGS.recoveryGrace());

    // Their requests may be about to write DONE or ABORTED: a step now would be a second
    // confirm or cancel of each (seen in a burst: recovery confirmed rows a second time).
    assertEquals(0, recovery.recoverOnce());
    assertEquals(List.of(), clients.confirms);
    assertEquals(List.of(), clients.cancels);

    clock.advance(Duration.ofMillis(1));
    assertEquals(2, recovery.recoverOnce());
    assertEquals(SignupState.DONE, stateOf(committing));
    assertEquals(SignupState.ABORTED, stateOf(aborting));
  }

  @Test
  void aRowReadAsCommittingWhoseDriveHasWrittenDoneSinceIsNotConfirmedAgain() {
    String txnId = committing("ada@example.com");
    pastTheGrace();
    // The log as recovery sees it: right after its read, the row's drive (a request's, whose
    // confirms were retried past the grace) writes DONE and ends.
    SignupLog racing = (SignupLog) Proxy.newProxyInstance(SignupLog.class.getClassLoader(),
        new Class<?>[] {SignupLog.class}, (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(signupLog, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("claimForRecovery")) {
            assertTrue(await(signupLog.markDone(txnId, clock.instant(), null)));
          }
          return result;
        });
    Recovery racingRecovery = new Recovery(racing, coordinator, SETTINGS, clock);

    assertEquals(0, racingRecovery.recoverOnce());

    assertEquals(List.of(), clients.confirms);
    assertEquals(SignupState.DONE, stateOf(txnId));
  }

  @Test
  void withOneParticipantSilentAPassEndsOnceTheOtherHasAnsweredAndAllConvergeWhenItIsBack() {
    List<String> committing = new ArrayList<>();
    List<String> aborting = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      committing.add(committing("committing-" + i + "@example.com"));
      aborting.add(aborting("aborting-" + i + "@example.com"));
    }
    pastTheGrace();
    clients.onConfirm = txn -> FakeParticipants.silentFor(SETTINGS.callDeadline());
    clients.onCancel = () -> FakeParticipants.silentFor(SETTINGS.callDeadline());

    // The first pass finds the client participant silent: its calls take their deadline.
    assertEquals(0, recovery.recoverOnce());
    int clientCalls = clients.confirms.size() + clients.cancels.size();
    long started = System.nanoTime();
    assertEquals(0, recovery.recoverOnce());
    Duration second = Duration.ofNanos(System.nanoTime() - started);

    // Known to be down now: nothing is sent to it, and nothing waits for it (the pass took
    // twice the call deadline before, waiting on the confirms and cancels of every row).
    assertTrue(second.compareTo(SETTINGS.callDeadline().dividedBy(2)) < 0,
        "second pass took " + second.toMillis() + " ms");
    // The other participant's side went on: each aborting row cancelled there in both passes,
    // each committing row confirmed there (its drive retries the client's side by itself).
    for (String txnId : aborting) {
      assertEquals(2, subscriptions.cancels.stream().filter(txnId::equals).count(), txnId);
    }
    assertEquals(Set.copyOf(committing), Set.copyOf(subscriptions.confirms));
    assertTrue(clients.confirms.size() + clients.cancels.size() <= clientCalls + 1,
        "at most one call tried the silent participant during the second pass");

    // Back: within a breaker's wait and a retry, every row is final.
    clients.onConfirm = txn -> CompletableFuture.completedFuture(Optional.empty());
    clients.onCancel = () -> CompletableFuture.completedFuture(null);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
      recovery.recoverOnce();
      return committing.stream().allMatch(t -> stateOf(t) == SignupState.DONE)
          && aborting.stream().allMatch(t -> stateOf(t) == SignupState.ABORTED);
    });
  }

  @Test
  void committingRowsAreConfirmedOnBothParticipantsAndMarkedDone() {
    String txnId = committing("ada@example.com");
    pastTheGrace();

    assertEquals(1, recovery.recoverOnce());

    assertEquals(SignupState.DONE, stateOf(txnId));
    assertEquals(List.of(txnId), clients.confirms);
    assertEquals(List.of(txnId), subscriptions.confirms);
    assertEquals(List.of(), clients.cancels);
    assertEquals(List.of(), subscriptions.cancels);
  }

  @Test
  void abortingRowsAreCancelledOnBothParticipantsAndMarkedAborted() {
    String txnId = aborting("ada@example.com");
    pastTheGrace();

    assertEquals(1, recovery.recoverOnce());

    SignupRecord record = signupLog.find(txnId).orElseThrow();
    assertEquals(SignupState.ABORTED, record.state());
    assertEquals(FailureKind.UNAVAILABLE, record.failureKind());
    assertEquals(List.of(txnId), clients.cancels);
    assertEquals(List.of(txnId), subscriptions.cancels);
    assertEquals(List.of(), clients.confirms);
  }

  @Test
  void tryingRowsPastTheirDeadlineAreAbortedAndCancelled() {
    String txnId = trying("ada@example.com");
    clock.advance(SETTINGS.tryTimeout().plusMillis(1));

    assertEquals(1, recovery.recoverOnce());

    SignupRecord record = signupLog.find(txnId).orElseThrow();
    assertEquals(SignupState.ABORTED, record.state());
    assertEquals(FailureKind.DEADLINE_EXCEEDED, record.failureKind());
    assertEquals(List.of(txnId), clients.cancels);
    assertEquals(List.of(txnId), subscriptions.cancels);
    assertEquals(List.of(), clients.confirms);
  }

  @Test
  void tryingRowsBeforeTheirDeadlineAreLeftAlone() {
    String txnId = trying("ada@example.com");
    clock.advance(SETTINGS.tryTimeout().minusMillis(1));

    assertEquals(0, recovery.recoverOnce());

    assertEquals(SignupState.TRYING, stateOf(txnId));
    assertEquals(List.of(), clients.cancels);
    assertEquals(List.of(), subscriptions.cancels);
    assertEquals(List.of(), clients.confirms);
  }

  @Test
  void onePassFinishesEachKindOfUnfinishedRowAndOnlyThose() {
    String stale = trying("stale@example.com");
    String committing = committing("committing@example.com");
    String aborting = aborting("aborting@example.com");
    clock.advance(SETTINGS.tryTimeout().plusSeconds(1));
    String fresh = trying("fresh@example.com");

    assertEquals(3, recovery.recoverOnce());

    assertEquals(SignupState.ABORTED, stateOf(stale));
    assertEquals(SignupState.DONE, stateOf(committing));
    assertEquals(SignupState.ABORTED, stateOf(aborting));
    assertEquals(SignupState.TRYING, stateOf(fresh));
    assertEquals(List.of(committing), clients.confirms);
    assertEquals(List.of(committing), subscriptions.confirms);
    assertEquals(Set.of(stale, aborting), Set.copyOf(clients.cancels));
    assertEquals(2, clients.cancels.size());
    assertEquals(Set.of(stale, aborting), Set.copyOf(subscriptions.cancels));
    assertEquals(2, subscriptions.cancels.size());

    // A second pass has nothing left but the fresh row, until its deadline passes too.
    assertEquals(0, recovery.recoverOnce());
    clock.advance(SETTINGS.tryTimeout().plusMillis(1));
    assertEquals(1, recovery.recoverOnce());
    assertEquals(SignupState.ABORTED, stateOf(fresh));
  }

  /** What recovery tells its listener, as the metrics hear it. */
  private static final class Counts implements Recovery.Listener {
    final AtomicInteger finished = new AtomicInteger();
    final AtomicInteger left = new AtomicInteger();

    @Override
    public void passed(int finishedRows, int leftRows) {
      finished.addAndGet(finishedRows);
      left.addAndGet(leftRows);
    }

    @Override
    public void finishedLater() {
      finished.incrementAndGet();
    }
  }

  @Test
  void aRowLeftToItsConfirmDriveCountsAsFinishedOnceWhenTheDriveWritesDone() {
    Counts counts = new Counts();
    Recovery counted = new Recovery(signupLog, coordinator, SETTINGS, clock, counts);
    String txnId = committing("ada@example.com");
    String quick = committing("quick@example.com");
    pastTheGrace();
    // client-server acknowledges no confirm of txnId until the pass has ended: however soon the
    // drive retries, the pass counts the row as left, and the drive finishes it afterwards.
    AtomicBoolean passEnded = new AtomicBoolean();
    clients.onConfirm = txn -> txn.equals(txnId) && !passEnded.get()
        ? CompletableFuture.failedFuture(FakeParticipants.unavailable())
        : CompletableFuture.completedFuture(Optional.empty());

    assertEquals(1, counted.recoverOnce());
    passEnded.set(true);
    assertEquals(1, counts.left.get());

    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> stateOf(txnId) == SignupState.DONE);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> counts.finished.get() == 2);
    assertEquals(SignupState.DONE, stateOf(quick));
    // Nothing is left to count again, by a later pass or anyone.
    clock.advance(SETTINGS.recoveryInterval());
    assertEquals(0, counted.recoverOnce());
    assertEquals(2, counts.finished.get());
    assertEquals(1, counts.left.get());
  }

  @Test
  void aConfirmThatIsNotAcknowledgedLeavesTheRowCommittingForTheNextPass() {
    String txnId = committing("ada@example.com");
    pastTheGrace();
    // A definite refusal is not retried; the row stays for a later pass (and a person).
    subscriptions.confirmFailures.add(new ParticipantException(FailureKind.INTERNAL, false,
        "confirm of a cancelled txn", null));

    assertEquals(0, recovery.recoverOnce());
    assertEquals(SignupState.COMMITTING, stateOf(txnId));

    assertEquals(1, recovery.recoverOnce());
    assertEquals(SignupState.DONE, stateOf(txnId));
  }
}
