package signup.orchestrator.domain;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.common.MutableClock;
import signup.common.domain.Completions;
import signup.common.fault.CrashPoints;
import signup.common.domain.Device;
import signup.common.domain.FieldViolation;
import signup.common.domain.InvalidInputException;
import signup.common.domain.OverloadedException;
import signup.common.domain.TooLateException;
import signup.common.store.SqliteDatabase;
import signup.orchestrator.domain.FakeParticipants.Clients;
import signup.orchestrator.domain.FakeParticipants.Subscriptions;
import signup.orchestrator.store.OrchestratorSchema;
import signup.orchestrator.store.SqlSignupLog;

/** The protocol on its own: a real log on a temp file, participants scripted by the test. */
class SignupCoordinatorTest {
  private static final ProtocolSettings SETTINGS = new ProtocolSettings(Duration.ofSeconds(1),
      Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMillis(500),
      Duration.ofSeconds(1));

  @TempDir Path dir;
  SqliteDatabase db;
  SignupLog signupLog;
  final Clients clients = new Clients();
  final Subscriptions subscriptions = new Subscriptions();

  @BeforeEach
  void openLog() {
    db = SqliteDatabase.open(OrchestratorSchema.SPEC, dir.resolve("orchestrator.db"));
    signupLog = new SqlSignupLog(db);
  }

  @AfterEach
  void closeLog() {
    db.close();
  }

  private SignupCoordinator coordinator(ProtocolSettings settings, InstantSource clock) {
    return new SignupCoordinator(signupLog, clients, subscriptions, settings, clock);
  }

  /** With the usual settings, taking on as much as {@code admission} says. */
  private SignupCoordinator admitting(AdmissionSettings admission) {
    return new SignupCoordinator(signupLog, clients, subscriptions, SETTINGS, admission,
        Clock.systemUTC(), CrashPoints.none());
  }

  private SignupCoordinator coordinator() {
    return coordinator(SETTINGS, Clock.systemUTC());
  }

  private static SignupRequest request(String requestId, String email) {
    return SignupRequest.validate(requestId, email, "Ada Lovelace", "correct-horse-battery",
        "US", Device.IOS);
  }

  private static SignupRequest request() {
    return request(null, "ada@example.com");
  }

  /** The one transaction the coordinator started (each test runs one unless it says so). */
  private String onlyTxn() {
    assertEquals(1, clients.reserves.size(), "reserves on the client participant");
    return clients.reserves.get(0);
  }

  private int rowsInLog() {
    return db.read(h -> h.createQuery("SELECT count(*) FROM signup_txn").mapTo(Integer.class)
        .one());
  }

  private SignupState stateOf(String txnId) {
    return signupLog.find(txnId).orElseThrow().state();
  }

  @Test
  void bothReservesSucceedingEndsDoneWithBothConfirmed() {
    SignupRecord done = coordinator().signup(request());

    String txnId = onlyTxn();
    assertEquals(txnId, done.txnId());
    assertEquals(SignupState.DONE, done.state());
    assertEquals(SignupState.DONE, stateOf(txnId));
    assertEquals("us-ios", done.subscription().plan().planId());
    assertEquals("ada@example.com", done.email());
    assertNotNull(done.clientCreatedAt());
    assertEquals(List.of(txnId), subscriptions.reserves);
    assertEquals(List.of(txnId), clients.confirms);
    assertEquals(List.of(txnId), subscriptions.confirms);
    assertEquals(List.of(), clients.cancels);
    assertEquals(List.of(), subscriptions.cancels);
  }

  @Test
  void theDoneRecordShowsTheSubscriptionWithTheTimesItsParticipantStored() {
    Instant confirmed = FakeParticipants.RESERVED_AT.plusMillis(40);
    subscriptions.confirmedUpdatedAt = Optional.of(confirmed);

    SignupRecord done = coordinator().signup(request());

    assertEquals(FakeParticipants.RESERVED_AT, done.subscription().createdAt());
    assertEquals(confirmed, done.subscription().updatedAt());
    assertEquals(done.subscription(), signupLog.find(done.txnId()).orElseThrow().subscription(),
        "a replay, answered from the log, shows the same");
  }

  @Test
  void aDefiniteRefusalWinsOverAnUnavailableParticipantAndBothAreCancelled() {
    clients.onReserve = () -> CompletableFuture.failedFuture(FakeParticipants.alreadyExists());
    subscriptions.onReserve = () -> CompletableFuture.failedFuture(
        FakeParticipants.unavailable());

    SignupFailedException e = assertThrows(SignupFailedException.class,
        () -> coordinator().signup(request()));

    assertAbortedWithBothCancelled(e, FailureKind.ALREADY_EXISTS);
  }

  @Test
  void aDefiniteRefusalWinsEvenWhenTheUnavailableParticipantIsAskedFirst() {
    clients.onReserve = () -> CompletableFuture.failedFuture(FakeParticipants.unavailable());
    subscriptions.onReserve = () -> CompletableFuture.failedFuture(
        FakeParticipants.alreadyExists());

    SignupFailedException e = assertThrows(SignupFailedException.class,
        () -> coordinator().signup(request()));

    assertAbortedWithBothCancelled(e, FailureKind.ALREADY_EXISTS);
  }

  @Test
  void oneFailedReserveAbortsEvenThoughTheOtherSucceeded() {
    subscriptions.onReserve = () -> CompletableFuture.failedFuture(
        FakeParticipants.unavailable());

    SignupFailedException e = assertThrows(SignupFailedException.class,
        () -> coordinator().signup(request()));

    assertAbortedWithBothCancelled(e, FailureKind.UNAVAILABLE);
  }

  private void assertAbortedWithBothCancelled(SignupFailedException e, FailureKind kind) {
    String txnId = onlyTxn();
    assertEquals(kind, e.kind());
    assertEquals(txnId, e.signupId(), "the aborted sign-up is named, for GetSignup");
    assertEquals(List.of(txnId), clients.cancels);
    assertEquals(List.of(txnId), subscriptions.cancels);
    assertEquals(List.of(), clients.confirms);
    assertEquals(List.of(), subscriptions.confirms);
    SignupRecord record = signupLog.find(txnId).orElseThrow();
    assertEquals(SignupState.ABORTED, record.state());
    assertEquals(kind, record.failureKind());
  }

  @Test
  void aConfirmThatFailsTwiceWithARetryableErrorIsRetriedUntilItSucceeds() {
    subscriptions.confirmFailures.add(FakeParticipants.unavailable());
    subscriptions.confirmFailures.add(FakeParticipants.unavailable());

    SignupRecord done = coordinator().signup(request());

    String txnId = onlyTxn();
    assertEquals(SignupState.DONE, done.state());
    assertEquals(SignupState.DONE, stateOf(txnId));
    assertEquals(List.of(txnId, txnId, txnId), subscriptions.confirms);
    assertEquals(List.of(txnId), clients.confirms);
    assertEquals(List.of(), subscriptions.cancels);
  }

  @Test
  void aConfirmNeverAcknowledgedWithinTheBudgetLeavesTheSignupCommittingForRecovery() {
    ProtocolSettings shortBudget = new ProtocolSettings(Duration.ofSeconds(1),
        Duration.ofSeconds(10), Duration.ofMillis(200), Duration.ofMillis(100),
        Duration.ofSeconds(1));
    for (int i = 0; i < 100; i++) {
      clients.confirmFailures.add(FakeParticipants.unavailable());
    }

    assertThrows(SignupPendingException.class,
        () -> coordinator(shortBudget, Clock.systemUTC()).signup(request()));

    String txnId = onlyTxn();
    assertEquals(SignupState.COMMITTING, stateOf(txnId));
    assertTrue(clients.confirms.size() >= 2, "confirm was retried: " + clients.confirms);
    assertEquals(List.of(), clients.cancels);
    assertEquals(List.of(), subscriptions.cancels);
  }

  @Test
  void aConfirmStillFailingWhenTheRequestStopsWaitingIsRetriedUntilAcknowledgedAndEndsDone() {
    ProtocolSettings shortBudget = new ProtocolSettings(Duration.ofSeconds(1),
        Duration.ofSeconds(10), Duration.ofMillis(200), Duration.ofMillis(100),
        Duration.ofSeconds(1));
    for (int i = 0; i < 6; i++) { // ~2.5 s of backoff
      clients.confirmFailures.add(FakeParticipants.unavailable());
    }

    assertThrows(SignupPendingException.class,
        () -> coordinator(shortBudget, Clock.systemUTC()).signup(request()));

    // No recovery runs here: the request's own retries finish it.
    String txnId = onlyTxn();
    await().atMost(Duration.ofSeconds(20)).until(() -> stateOf(txnId) == SignupState.DONE);
    assertEquals(7, clients.confirms.size());
    assertEquals(List.of(txnId), subscriptions.confirms);
    assertEquals(List.of(), clients.cancels);
  }

  @Test
  void callersRefusedTogetherAreToldWaitsSpreadOverHalfAgainNeverShorterThanTheHint() {
    Duration hint = Duration.ofMillis(700);

    assertEquals(Duration.ofMillis(700), SignupCoordinator.spread(hint, 0));
    assertEquals(Duration.ofMillis(875), SignupCoordinator.spread(hint, 0.5));
    assertEquals(Duration.ofMillis(1_049), SignupCoordinator.spread(hint, 0.999));
  }

  @Test
  void refusalsAtTheSameMomentDoNotAllNameTheSameWait() {
    SignupCoordinator coordinator = admitting(AdmissionSettings.DEFAULTS.withMaxInFlight(1));
    CompletableFuture<ClientReservation> reserved = new CompletableFuture<>();
    clients.onReserve = () -> reserved;
    CompletableFuture<SignupRecord> admitted = coordinator.start(request(null, "a@example.com"));

    Set<Duration> hints = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      CompletableFuture<SignupRecord> refused =
          coordinator.start(request(null, "r" + i + "@example.com"));
      OverloadedException e = assertThrows(OverloadedException.class,
          () -> Completions.await(refused));
      hints.add(e.retryAfter().orElseThrow());
    }

    assertTrue(hints.size() > 1, "20 callers refused at once, all told " + hints);
    reserved.complete(new ClientReservation("ignored", Instant.EPOCH));
    Completions.await(admitted);
  }

  @Test
  void aSignupPastTheBoundInFlightIsRefusedAtOnceWithARetryHintAndWritesNothing() {
    SignupCoordinator coordinator = admitting(AdmissionSettings.DEFAULTS.withMaxInFlight(2));
    CompletableFuture<ClientReservation> reserved = new CompletableFuture<>();
    clients.onReserve = () -> reserved; // the two admitted ones wait for the client participant
    CompletableFuture<SignupRecord> first = coordinator.start(request(null, "a@example.com"));
    CompletableFuture<SignupRecord> second = coordinator.start(request(null, "b@example.com"));

    CompletableFuture<SignupRecord> third = coordinator.start(request(null, "c@example.com"));

    OverloadedException refused = assertThrows(OverloadedException.class,
        () -> Completions.await(third));
    Duration least = AdmissionSettings.DEFAULTS.retryAfter();
    Duration hint = refused.retryAfter().orElseThrow();
    assertTrue(hint.compareTo(least) >= 0 && hint.compareTo(least.multipliedBy(3).dividedBy(2))
        <= 0, "a hint of " + hint + ", not within half again of " + least);
    await().atMost(Duration.ofSeconds(10)).until(() -> clients.reserves.size() == 2);
    assertEquals(2, clients.reserves.size(), "the third reserved nothing");
    assertEquals(2, rowsInLog(), "nor wrote a log row");
    reserved.complete(new ClientReservation("ignored", Instant.EPOCH));
    Completions.await(first);
    Completions.await(second);
    // Room again: the next one is taken on.
    Completions.await(coordinator.start(request(null, "d@example.com")));
    assertEquals(3, clients.reserves.size());
    coordinator.close();
  }

  @Test
  void aDecisionTheLogRefusesToRecordAbortsTheSignupAndCancelsBothReservations() {
    // The real log, but its COMMITTING write refused as PostgreSQL refuses a write that keeps
    // conflicting: nothing of it kept.
    SignupLog refusingCommit = (SignupLog) java.lang.reflect.Proxy.newProxyInstance(
        SignupLog.class.getClassLoader(), new Class<?>[] {SignupLog.class},
        (proxy, method, args) -> {
          if (method.getName().equals("markCommitting")) {
            return CompletableFuture.failedFuture(
                new signup.common.domain.WriteConflictException("orchestrator", 10, null));
          }
          try {
            return method.invoke(signupLog, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    SignupCoordinator coordinator = new SignupCoordinator(refusingCommit, clients,
        subscriptions, SETTINGS, Clock.systemUTC());

    SignupFailedException e = assertThrows(SignupFailedException.class,
        () -> coordinator.signup(request(null, "a@example.com")));

    assertEquals(FailureKind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().startsWith(
        "the orchestrator could not record the sign-up's decision: "), e.getMessage());
    String txnId = onlyTxn();
    assertEquals(SignupState.ABORTED, stateOf(txnId));
    assertEquals(List.of(txnId), clients.cancels);
    assertEquals(List.of(txnId), subscriptions.cancels);
    assertEquals(List.of(), clients.confirms);
    coordinator.close();
  }

  @Test
  void replaysOfARequestDoNotCountAsSlowSignupsForTheAdmissionLimit() {
    // Every sign-up is slow against a 1 ns target: three measured ones would cut the limit.
    SignupCoordinator coordinator = admitting(AdmissionSettings.DEFAULTS.withMaxInFlight(64)
        .withSlowSignup(Duration.ofNanos(1)));
    Completions.await(coordinator.start(request("req-1", "a@example.com")));

    for (int i = 0; i < 5; i++) {
      Completions.await(coordinator.start(request("req-1", "a@example.com")));
    }

    assertEquals(64, coordinator.admissionLimit(), "one measured sign-up, five replays");
    Completions.await(coordinator.start(request(null, "b@example.com")));
    Completions.await(coordinator.start(request(null, "c@example.com")));
    assertEquals(48, coordinator.admissionLimit(), "three measured slow ones cut it");
    coordinator.close();
  }

  @Test
  void aCallWithLessTimeLeftThanASignupNeedsIsRefusedWithoutStarting() {
    SignupCoordinator coordinator = coordinator();

    CompletableFuture<SignupRecord> late = coordinator.start(request(null, "a@example.com"),
        Optional.of(AdmissionSettings.DEFAULTS.minTimeLeft().minusMillis(1)));

    TooLateException e = assertThrows(TooLateException.class, () -> Completions.await(late));
    assertTrue(e.getMessage().endsWith("not started"), e.getMessage());
    assertEquals(List.of(), clients.reserves);
    assertEquals(List.of(), subscriptions.reserves);
    assertEquals(0, rowsInLog());
    // Enough time left, or no deadline at all: taken on.
    Completions.await(coordinator.start(request(null, "b@example.com"),
        Optional.of(Duration.ofSeconds(5))));
    Completions.await(coordinator.start(request(null, "c@example.com"), Optional.empty()));
    assertEquals(2, clients.reserves.size());
  }

  @Test
  void anAbortBeyondTheSlowPathsBoundIsRefusedAsOverloadedAndLeftTryingForRecovery() {
    // One slow-path thread and one place in its queue.
    SignupCoordinator coordinator = new SignupCoordinator(signupLog, clients, subscriptions,
        SETTINGS, AdmissionSettings.DEFAULTS, Clock.systemUTC(), CrashPoints.none(),
        new SlowPath(1, 1));
    subscriptions.onReserve = () -> CompletableFuture.failedFuture(
        FakeParticipants.unavailable());
    CompletableFuture<Void> hungCancel = new CompletableFuture<>();
    clients.onCancel = () -> hungCancel; // holds the thread of the first abort
    CompletableFuture<SignupRecord> running = coordinator.start(request(null, "a@example.com"));
    await().atMost(Duration.ofSeconds(10)).until(() -> clients.cancels.size() == 1);
    CompletableFuture<SignupRecord> queued = coordinator.start(request(null, "b@example.com"));

    OverloadedException refused = assertThrows(OverloadedException.class,
        () -> coordinator.signup(request(null, "c@example.com")));

    assertTrue(refused.getMessage().contains("try again later"), refused.getMessage());
    String refusedTxn = clients.reserves.get(2);
    assertEquals(SignupState.TRYING, stateOf(refusedTxn), "left to recovery, which cancels it");
    hungCancel.complete(null);
    assertEquals(FailureKind.UNAVAILABLE, assertThrows(SignupFailedException.class,
        () -> Completions.await(running)).kind());
    assertEquals(FailureKind.UNAVAILABLE, assertThrows(SignupFailedException.class,
        () -> Completions.await(queued)).kind());
    coordinator.close();
  }

  @Test
  void aTransactionAbortedBeforeTheDecisionIsCancelledAndNeverConfirmed() {
    // A participant's ResolveTransaction arrives while the reserves are still out.
    clients.duringReserve = () ->
        assertEquals(false, signupLog.resolveCommitted(clients.reserves.get(0), Instant.now()));

    SignupFailedException e = assertThrows(SignupFailedException.class,
        () -> coordinator().signup(request()));

    String txnId = onlyTxn();
    assertEquals(FailureKind.DEADLINE_EXCEEDED, e.kind());
    assertEquals(List.of(), clients.confirms);
    assertEquals(List.of(), subscriptions.confirms);
    assertEquals(List.of(txnId), clients.cancels);
    assertEquals(List.of(txnId), subscriptions.cancels);
    assertEquals(SignupState.ABORTED, stateOf(txnId));
  }

  @Test
  void recoveryLeavesASignupItsRequestThreadIsStillDrivingAlone() {
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    SignupCoordinator coordinator = coordinator(SETTINGS, clock);
    Recovery recovery = new Recovery(signupLog, coordinator, SETTINGS, clock);
    AtomicInteger recoveredMeanwhile = new AtomicInteger(-1);
    clients.duringReserve = () -> {
      // The reply is slow: the row is past its deadline when recovery scans.
      clock.advance(SETTINGS.tryTimeout().plusSeconds(1));
      recoveredMeanwhile.set(recovery.recoverOnce());
    };

    SignupRecord done = coordinator.signup(request());

    assertEquals(0, recoveredMeanwhile.get());
    assertEquals(SignupState.DONE, done.state());
    assertEquals(List.of(), clients.cancels);
    assertEquals(List.of(), subscriptions.cancels);
  }

  @Test
  void aReplayedRequestIdReturnsTheFirstOutcomeWithoutReservingAgain() {
    SignupCoordinator coordinator = coordinator();
    SignupRecord first = coordinator.signup(request("req-1", "ada@example.com"));

    SignupRecord again = coordinator.signup(request("req-1", " ADA@example.com"));

    assertEquals(first.txnId(), again.txnId());
    assertEquals(SignupState.DONE, again.state());
    assertEquals(1, clients.reserves.size());
    assertEquals(1, subscriptions.reserves.size());
  }

  @Test
  void aReplayedRequestIdOfAnAbortedSignupAnswersWithTheSameFailure() {
    SignupCoordinator coordinator = coordinator();
    clients.onReserve = () -> CompletableFuture.failedFuture(FakeParticipants.alreadyExists());
    assertThrows(SignupFailedException.class,
        () -> coordinator.signup(request("req-1", "ada@example.com")));

    SignupFailedException again = assertThrows(SignupFailedException.class,
        () -> coordinator.signup(request("req-1", "ada@example.com")));

    assertEquals(FailureKind.ALREADY_EXISTS, again.kind());
    assertEquals(1, clients.reserves.size());
  }

  @Test
  void aRequestIdReusedWithADifferentPayloadIsRefusedOnRequestId() {
    SignupCoordinator coordinator = coordinator();
    coordinator.signup(request("req-1", "ada@example.com"));

    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> coordinator.signup(request("req-1", "bob@example.com")));

    assertEquals(List.of("request_id"),
        e.violations().stream().map(FieldViolation::field).toList());
    assertEquals(1, clients.reserves.size());
  }

  @Test
  void theDoneRecordAnsweredIsWhatTheLogHoldsWithoutReadingItBack() {
    SignupRecord done = coordinator().signup(request());

    SignupRecord logged = signupLog.find(done.txnId()).orElseThrow();
    assertEquals(SignupState.DONE, logged.state());
    assertEquals(logged.state(), done.state());
    assertEquals(logged.clientId(), done.clientId());
    assertEquals(logged.email(), done.email());
    assertEquals(logged.name(), done.name());
    assertEquals(logged.region(), done.region());
    assertEquals(logged.device(), done.device());
    assertEquals(logged.requestId(), done.requestId());
    assertEquals(logged.updatedAt(), done.updatedAt());
    assertEquals(logged.clientCreatedAt(), done.clientCreatedAt());
    assertEquals(logged.subscription(), done.subscription());
  }

  @Test
  void resolvingACommittedTransactionAnswersCommitAndAnUnknownOneAbort() {
    SignupCoordinator coordinator = coordinator();
    SignupRecord done = coordinator.signup(request());

    assertTrue(coordinator.resolve(done.txnId()));
    assertEquals(false, coordinator.resolve("never-seen"));
    assertEquals(SignupState.ABORTED, stateOf("never-seen"));
  }
}
