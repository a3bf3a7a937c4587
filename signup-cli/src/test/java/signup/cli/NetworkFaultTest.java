package signup.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import signup.common.domain.ParticipantSettings;
import signup.orchestrator.FaultyProxy;
import signup.orchestrator.SignupSystem;
import signup.orchestrator.v1.GetSignupRequest;
import signup.orchestrator.v1.SignupRequest;
import signup.orchestrator.v1.SignupResponse;
import signup.orchestrator.v1.SignupServiceGrpc;
import signup.orchestrator.v1.SignupState;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Network faults between the orchestrator and a participant, and between a caller and the
 * orchestrator: each leaves both files consistent (a client and its subscription, or neither),
 * gives the caller UNAVAILABLE (aborted) or DEADLINE_EXCEEDED (committed, not known to be done
 * yet), and a retry with the same request_id the true outcome; {@code signup audit} passes once recovery has run.
 */
class NetworkFaultTest {
  private static final String EMAIL = "ada@example.com";

  @TempDir Path dataDir;
  SignupSystem system;
  final List<AutoCloseable> faults = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable fault : faults) {
      fault.close();
    }
    if (system != null) {
      system.close();
    }
  }

  /** How a participant can be out of reach, and what the caller is told. */
  enum Unreachable {
    /**
     * A port that accepts the connection and never answers: the reserve's deadline passes, the
     * sign-up is aborted, and the caller is told it is (not DEADLINE_EXCEEDED: that would say
     * "may have completed").
     */
    BLACKHOLE(Status.Code.UNAVAILABLE),
    /** A port nothing listens on. */
    REFUSING(Status.Code.UNAVAILABLE);

    final Status.Code answer;

    Unreachable(Status.Code answer) {
      this.answer = answer;
    }
  }

  static Stream<Arguments> unreachableParticipants() {
    return Stream.of(ParticipantServer.values()).flatMap(participant ->
        Stream.of(Unreachable.values()).map(how -> Arguments.of(participant, how)));
  }

  @ParameterizedTest(name = "{0} reached at a port {1}")
  @MethodSource("unreachableParticipants")
  void anUnreachableParticipantFailsTheSignupLeavingNeitherRowAndRecoveryFinishesTheAbort(
      ParticipantServer participant, Unreachable how) {
    system = participantsOnly();
    String target = how == Unreachable.BLACKHOLE ? track(new FaultyProxy.Blackhole()).target()
        : SignupSystem.target(FaultyProxy.refusingPort());
    participant.startOrchestratorReachingItAt(system, target);
    SignupRequest request = withRequestId("unreachable");

    assertEquals(how.answer, codeOf(() -> system.signups().signup(request)));
    Consistency.assertNeither(system, EMAIL);

    // The participant is reachable again: recovery, at the orchestrator's start, finishes the
    // cancel that could not get through.
    system.stopOrchestrator();
    system.startOrchestrator();
    awaitState(request, SignupState.ABORTED);
    assertEquals(how.answer, codeOf(() -> system.signups().signup(request)),
        "a retry gets the true outcome: aborted, for the reason it was");
    Consistency.assertNeither(system, EMAIL);
    Consistency.assertAuditPasses(dataDir);
    // Nothing holds the e-mail: a new attempt goes through.
    system.signups().signup(withRequestId("unreachable-again"));
    Consistency.assertBoth(system, EMAIL);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ParticipantServer.class)
  void aReserveWhoseReplyIsLostIsCancelledAndNothingIsLeft(ParticipantServer participant) {
    system = participantsOnly();
    FaultyProxy proxy = track(FaultyProxy.inFrontOf(participant.target(system))
        .loseReplies(participant.reserve, 1));
    participant.startOrchestratorReachingItAt(system, proxy.target());
    SignupRequest request = withRequestId("reserve-reply-lost");

    assertEquals(Status.Code.UNAVAILABLE, codeOf(() -> system.signups().signup(request)));

    assertEquals(1, proxy.answered(participant.reserve), "the participant did reserve");
    String txnId = signupId(request);
    assertEquals("CANCELLED", participant.barrierState(system, txnId),
        "and its reservation was cancelled");
    Consistency.assertNeither(system, EMAIL);
    awaitState(request, SignupState.ABORTED);
    assertEquals(Status.Code.UNAVAILABLE, codeOf(() -> system.signups().signup(request)),
        "a retry gets the true outcome");
    Consistency.assertAuditPasses(dataDir);
    system.signups().signup(withRequestId("reserve-reply-lost-again"));
    Consistency.assertBoth(system, EMAIL);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ParticipantServer.class)
  void aConfirmWhoseRepliesAreLostIsRetriedUntilAcknowledgedAndTheSignupCompletes(
      ParticipantServer participant) {
    system = participantsOnly();
    FaultyProxy proxy = track(FaultyProxy.inFrontOf(participant.target(system))
        .loseReplies(participant.confirm, 2));
    participant.startOrchestratorReachingItAt(system, proxy.target());
    SignupRequest request = withRequestId("confirm-reply-lost");

    SignupResponse first = system.signups().signup(request);

    assertTrue(proxy.answered(participant.confirm) >= 3, "two replies lost, then one heard");
    Consistency.assertBoth(system, EMAIL);
    assertEquals(first.getSignupId(), system.signups().signup(request).getSignupId(),
        "a retry gets the same sign-up");
    Consistency.assertAuditPasses(dataDir);
  }

  @Test
  void aConfirmUnacknowledgedPastTheBudgetAnswersDeadlineExceededAndRecoveryCompletesIt() {
    system = participantsOnly();
    ParticipantServer participant = ParticipantServer.SUBSCRIPTION;
    FaultyProxy proxy = track(FaultyProxy.inFrontOf(participant.target(system))
        .loseReplies(participant.confirm, Integer.MAX_VALUE));
    participant.startOrchestratorReachingItAt(system, proxy.target());
    SignupRequest request = withRequestId("confirm-never-heard");

    assertEquals(Status.Code.DEADLINE_EXCEEDED,
        codeOf(() -> system.signups().signup(request)), "decided, but not known to be done");

    proxy.heal();
    awaitState(request, SignupState.DONE);
    assertEquals(EMAIL, system.signups().signup(request).getClient().getEmail(),
        "a retry gets the true outcome");
    Consistency.assertBoth(system, EMAIL);
    Consistency.assertAuditPasses(dataDir);
  }

  /** Where the orchestrator is when its caller stops waiting. */
  enum Phase {
    RESERVING, CONFIRMING
  }

  @ParameterizedTest(name = "while {0}")
  @EnumSource(Phase.class)
  void aCallerThatStopsWaitingGetsTheTrueOutcomeOnRetryWithTheSameRequestId(Phase phase) {
    system = participantsOnly();
    ParticipantServer participant = ParticipantServer.SUBSCRIPTION;
    FaultyProxy proxy = track(FaultyProxy.inFrontOf(participant.target(system))
        .delay(phase == Phase.RESERVING ? participant.reserve : participant.confirm,
            Duration.ofMillis(800)));
    participant.startOrchestratorReachingItAt(system, proxy.target());
    SignupRequest request = withRequestId("caller-gone");
    SignupServiceGrpc.SignupServiceBlockingStub impatient = SignupServiceGrpc
        .newBlockingStub(system.channel(system.orchestratorPort))
        .withDeadlineAfter(300, TimeUnit.MILLISECONDS);

    assertEquals(Status.Code.DEADLINE_EXCEEDED, codeOf(() -> impatient.signup(request)),
        "the orchestrator's reply is lost to the caller");

    SignupResponse retried = system.signups().signup(request);
    assertEquals(EMAIL, retried.getClient().getEmail(), "the sign-up went through");
    awaitState(request, SignupState.DONE);
    Consistency.assertBoth(system, EMAIL);
    Consistency.assertAuditPasses(dataDir);
  }

  // --- helpers ---------------------------------------------------------------------------------

  private SignupSystem participantsOnly() {
    return new SignupSystem(dataDir, SignupSystem.FAST, ParticipantSettings.DEFAULTS)
        .startClient().startSubscription();
  }

  private <T extends AutoCloseable> T track(T fault) {
    faults.add(fault);
    return fault;
  }

  private static SignupRequest withRequestId(String requestId) {
    return SignupSystem.request(EMAIL).toBuilder().setRequestId(requestId).build();
  }

  private String signupId(SignupRequest request) {
    return system.signups().getSignup(GetSignupRequest.newBuilder()
        .setRequestId(request.getRequestId()).build()).getSignupId();
  }

  private void awaitState(SignupRequest request, SignupState state) {
    await().atMost(Duration.ofSeconds(20)).until(() -> system.signups().getSignup(
        GetSignupRequest.newBuilder().setRequestId(request.getRequestId()).build())
        .getState() == state);
  }

  private static Status.Code codeOf(org.junit.jupiter.api.function.Executable call) {
    return assertThrows(StatusRuntimeException.class, call).getStatus().getCode();
  }
}
