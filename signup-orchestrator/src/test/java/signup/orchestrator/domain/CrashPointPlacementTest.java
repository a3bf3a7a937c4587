package signup.orchestrator.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.common.fault.CrashPoint;
import signup.common.fault.CrashPoints;
import signup.common.domain.Device;
import signup.common.store.SqliteDatabase;
import signup.orchestrator.domain.FakeParticipants.Clients;
import signup.orchestrator.domain.FakeParticipants.Subscriptions;
import signup.orchestrator.store.OrchestratorSchema;
import signup.orchestrator.store.SqlSignupLog;

/**
 * Each orchestrator crash point is reached exactly where its name says: what the log and the
 * participants had seen at that moment is recorded by the halt (which here lets the sign-up go
 * on, where the real one would end the process).
 */
class CrashPointPlacementTest {
  private static final ProtocolSettings SETTINGS = new ProtocolSettings(Duration.ofSeconds(1),
      Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMillis(500),
      Duration.ofSeconds(1));

  /** The state of things at the moment a point fired. */
  record Moment(CrashPoint point, SignupState logState, int reserves, int confirms) {}

  @TempDir Path dir;
  SqliteDatabase db;
  SignupLog signupLog;
  final Clients clients = new Clients();
  final Subscriptions subscriptions = new Subscriptions();
  final List<Moment> moments = new ArrayList<>();

  @BeforeEach
  void openLog() {
    db = SqliteDatabase.open(OrchestratorSchema.SPEC, dir.resolve("orchestrator.db"));
    signupLog = new SqlSignupLog(db);
  }

  @AfterEach
  void closeLog() {
    db.close();
  }

  private SignupRecord signUpWith(String setting) {
    CrashPoints points = CrashPoints.parse(setting, 1, point -> moments.add(new Moment(point,
        signupLog.findByRequestId("req-1").orElseThrow().state(),
        clients.reserves.size() + subscriptions.reserves.size(),
        clients.confirms.size() + subscriptions.confirms.size())));
    SignupCoordinator coordinator = new SignupCoordinator(signupLog, clients, subscriptions,
        SETTINGS, Clock.systemUTC(), points);
    return coordinator.signup(SignupRequest.validate("req-1", "ada@example.com",
        "Ada Lovelace", "correct-horse-battery", "US", Device.IOS));
  }

  @Test
  void afterTryingTheRowIsDurableAndNoParticipantWasCalled() {
    signUpWith("orchestrator.after-trying=1");

    assertEquals(List.of(new Moment(CrashPoint.ORCHESTRATOR_AFTER_TRYING, SignupState.TRYING,
        0, 0)), moments);
  }

  @Test
  void afterTheFirstReserveReplyBothReservesAreOutAndNothingIsDecided() {
    signUpWith("orchestrator.after-first-reserve=1");

    assertEquals(List.of(new Moment(CrashPoint.ORCHESTRATOR_AFTER_FIRST_RESERVE,
        SignupState.TRYING, 2, 0)), moments);
  }

  @Test
  void afterCommittingTheDecisionIsDurableAndNoConfirmWasSent() {
    signUpWith("orchestrator.after-committing=1");

    assertEquals(List.of(new Moment(CrashPoint.ORCHESTRATOR_AFTER_COMMITTING,
        SignupState.COMMITTING, 2, 0)), moments);
  }

  @Test
  void afterTheFirstConfirmOneParticipantHasConfirmedAndTheRowIsNotDoneYet() {
    SignupRecord done = signUpWith("orchestrator.after-first-confirm=1");

    assertEquals(1, moments.size());
    Moment moment = moments.get(0);
    assertEquals(CrashPoint.ORCHESTRATOR_AFTER_FIRST_CONFIRM, moment.point());
    assertEquals(SignupState.COMMITTING, moment.logState());
    assertTrue(moment.confirms() >= 1, "confirms sent: " + moment.confirms());
    assertEquals(SignupState.DONE, done.state());
  }

  @Test
  void anAbortedSignupNeverPassesTheCommitSidePoints() {
    subscriptions.onReserve = () -> CompletableFuture.failedFuture(
        FakeParticipants.unavailable());

    try {
      signUpWith("orchestrator.after-committing=1,orchestrator.after-first-confirm=1");
    } catch (SignupFailedException expected) {
      // the sign-up is aborted: that is the point
    }

    assertEquals(List.of(), moments);
  }
}
