package signup.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import signup.common.domain.ParticipantSettings;
import signup.orchestrator.ErrorDetails;
import signup.orchestrator.FaultyProxy;
import signup.orchestrator.SignupSystem;
import signup.orchestrator.v1.GetSignupRequest;
import signup.orchestrator.v1.SignupState;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A participant that is down or too slow: a clear status, and nothing left written. */
class ParticipantFailureTest {
  @TempDir Path dataDir;
  SignupSystem system;
  FaultyProxy proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    system.close();
  }

  @Test
  void subscriptionServerDownGivesUnavailableAndLeavesNoClient() {
    system = SignupSystem.startAll(dataDir);
    system.stopSubscription();

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(SignupSystem.request("ada@example.com")));

    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertEquals(0, system.clientRows());
    assertEquals(0, system.query("client.db",
        "SELECT count(*) FROM txn_barrier WHERE state <> 'CANCELLED'"));
  }

  @Test
  void clientServerDownGivesUnavailableAndLeavesNoSubscription() {
    system = SignupSystem.startAll(dataDir);
    system.stopClient();

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(SignupSystem.request("ada@example.com")));

    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertEquals(0, system.subscriptionRows());
  }

  @Test
  void aCancelThatCouldNotBeDeliveredIsFinishedByRecoveryOnceTheParticipantIsBack() {
    system = SignupSystem.startAll(dataDir);
    system.stopSubscription();
    assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(SignupSystem.request("ada@example.com")));

    system.startSubscription();

    await().atMost(Duration.ofSeconds(15)).until(() -> system.query("orchestrator.db",
        "SELECT count(*) FROM signup_txn WHERE state = 'ABORTED'") == 1);
    assertEquals(1, system.query("subscription.db",
        "SELECT count(*) FROM txn_barrier WHERE state = 'CANCELLED'"));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ParticipantServer.class)
  void aParticipantSlowerThanTheDeadlineGivesUnavailableWithTheAbortedSignupsIdAndItsLateReserveIsRefused(
      ParticipantServer slow) {
    system = new SignupSystem(dataDir, SignupSystem.FAST, ParticipantSettings.DEFAULTS);
    system.startClient().startSubscription();
    proxy = FaultyProxy.inFrontOf(slow.target(system))
        .delay(slow.reserve, SignupSystem.FAST.reserveDeadline().plusSeconds(1));
    slow.startOrchestratorReachingItAt(system, proxy.target());

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(SignupSystem.request("ada@example.com")));

    // The abort is decided and durable: the outcome is known, so not DEADLINE_EXCEEDED ("may
    // have completed"), which it answered before.
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    String signupId = ErrorDetails.signupId(e);
    assertEquals(SignupState.ABORTED, system.signups().getSignup(
        GetSignupRequest.newBuilder().setSignupId(signupId).build()).getState());
    Consistency.assertNeither(system, "ada@example.com");
    // The reserve reaches the participant after the cancel did: the tombstone refuses it.
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.answered(slow.reserve) == 1);
    Consistency.assertNeither(system, "ada@example.com");
    Consistency.assertAuditPasses(dataDir);
  }
}
