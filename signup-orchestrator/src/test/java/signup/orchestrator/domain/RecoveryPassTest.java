package signup.orchestrator.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static signup.common.domain.Completions.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
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
  Recovery recovery;

  @BeforeEach
  void openLog() {
    db = SqliteDatabase.open(OrchestratorSchema.SPEC, dir.resolve("orchestrator.db"));
    signupLog = new SqlSignupLog(db);
    SignupCoordinator coordinator = new SignupCoordinator(signupLog, clients, subscriptions,
        SETTINGS, clock);
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
        new SubscriptionReservation("sub-" + txnId, FakeParticipants.US_IOS), clock.instant(),
        clock.instant())));
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

  @Test
  void committingRowsAreConfirmedOnBothParticipantsAndMarkedDone() {
    String txnId = committing("ada@example.com");

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

  @Test
  void aConfirmThatIsNotAcknowledgedLeavesTheRowCommittingForTheNextPass() {
    String txnId = committing("ada@example.com");
    // A definite refusal is not retried; the row stays for a later pass (and a person).
    subscriptions.confirmFailures.add(new ParticipantException(FailureKind.INTERNAL, false,
        "confirm of a cancelled txn", null));

    assertEquals(0, recovery.recoverOnce());
    assertEquals(SignupState.COMMITTING, stateOf(txnId));

    assertEquals(1, recovery.recoverOnce());
    assertEquals(SignupState.DONE, stateOf(txnId));
  }
}
