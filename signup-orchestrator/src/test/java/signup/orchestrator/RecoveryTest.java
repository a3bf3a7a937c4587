package signup.orchestrator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.client.v1.GetClientRequest;
import signup.client.v1.ReserveClientRequest;
import signup.common.domain.Completions;
import signup.common.domain.Device;
import signup.common.domain.ParticipantSettings;
import signup.common.store.SqliteDatabase;
import signup.common.v1.DeviceType;
import signup.orchestrator.domain.PlanQuote;
import signup.orchestrator.domain.SignupRecord;
import signup.orchestrator.domain.SignupState;
import signup.orchestrator.domain.SubscriptionReservation;
import signup.orchestrator.store.OrchestratorSchema;
import signup.orchestrator.store.SqlSignupLog;
import signup.orchestrator.v1.Decision;
import signup.orchestrator.v1.GetSignupRequest;
import signup.orchestrator.v1.ResolveTransactionRequest;
import signup.subscription.v1.GetSubscriptionRequest;
import signup.subscription.v1.ReserveSubscriptionRequest;

/**
 * Transactions left half-way (as a crash leaves them) are finished: by the orchestrator's
 * recovery at start-up, or by a participant asking ResolveTransaction about an old reservation.
 */
class RecoveryTest {
  @TempDir Path dataDir;
  SignupSystem system;

  @AfterEach
  void stop() {
    system.close();
  }

  @Test
  void anOrchestratorRestartedWithACommittingRowCompletesTheSignup() {
    system = new SignupSystem(dataDir, SignupSystem.FAST, ParticipantSettings.DEFAULTS)
        .startClient().startSubscription();
    String txnId = UUID.randomUUID().toString();
    String clientId = UUID.randomUUID().toString();
    reserveOnBoth(txnId, clientId);
    writeLog(txnId, clientId, Instant.now().plusSeconds(60), true);

    system.startOrchestrator();

    await().atMost(Duration.ofSeconds(15)).until(() -> system.signups().getSignup(
        GetSignupRequest.newBuilder().setSignupId(txnId).build()).getState()
        == signup.orchestrator.v1.SignupState.DONE);
    assertEquals("ada@example.com", system.clients().getClient(
        GetClientRequest.newBuilder().setClientId(clientId).build()).getEmail());
    assertEquals("us-ios", system.subscriptions().getSubscription(
        GetSubscriptionRequest.newBuilder().setClientId(clientId).build()).getPlan().getPlanId());
  }

  @Test
  void aTryingRowPastItsDeadlineIsCancelled() {
    system = new SignupSystem(dataDir, SignupSystem.FAST, ParticipantSettings.DEFAULTS)
        .startClient().startSubscription();
    String txnId = UUID.randomUUID().toString();
    String clientId = UUID.randomUUID().toString();
    reserveOnBoth(txnId, clientId);
    writeLog(txnId, clientId, Instant.now().minusSeconds(1), false);

    system.startOrchestrator();

    await().atMost(Duration.ofSeconds(15)).until(() -> system.signups().getSignup(
        GetSignupRequest.newBuilder().setSignupId(txnId).build()).getState()
        == signup.orchestrator.v1.SignupState.ABORTED);
    assertEquals(0, system.clientRows());
    assertEquals(0, system.subscriptionRows());
  }

  @Test
  void aReservationPastItsTtlIsResolvedThroughTheCoordinatorAndCancelled() {
    ParticipantSettings shortTtl = new ParticipantSettings(Duration.ofMillis(300),
        Duration.ofMillis(100));
    system = new SignupSystem(dataDir, SignupSystem.FAST, shortTtl)
        .startClient().startSubscription().startOrchestrator();
    String txnId = UUID.randomUUID().toString();
    // A reservation the orchestrator never logged, as if its TRYING write had been lost.
    system.clientParticipant().reserve(clientReserve(txnId, UUID.randomUUID().toString()));
    assertEquals(1, system.clientRows());

    await().atMost(Duration.ofSeconds(15)).until(() -> system.clientRows() == 0);
    assertEquals(1, system.query("orchestrator.db",
        "SELECT count(*) FROM signup_txn WHERE state = 'ABORTED' AND txn_id = '" + txnId + "'"));
  }

  @Test
  void resolvingAnUndecidedTransactionAbortsItForGood() {
    system = new SignupSystem(dataDir, SignupSystem.FAST, ParticipantSettings.DEFAULTS)
        .startClient().startSubscription();
    String txnId = UUID.randomUUID().toString();
    String clientId = UUID.randomUUID().toString();
    reserveOnBoth(txnId, clientId);
    writeLog(txnId, clientId, Instant.now().plusSeconds(60), false);
    system.startOrchestrator();

    Decision decision = system.coordinator().resolveTransaction(
        ResolveTransactionRequest.newBuilder().setTxnId(txnId).build()).getDecision();

    assertEquals(Decision.ABORT, decision);
    await().atMost(Duration.ofSeconds(15)).until(() -> system.clientRows() == 0
        && system.subscriptionRows() == 0);
    assertEquals(Decision.ABORT, system.coordinator().resolveTransaction(
        ResolveTransactionRequest.newBuilder().setTxnId(txnId).build()).getDecision());
  }

  private void reserveOnBoth(String txnId, String clientId) {
    system.clientParticipant().reserve(clientReserve(txnId, clientId));
    system.subscriptionParticipant().reserve(ReserveSubscriptionRequest.newBuilder()
        .setTxnId(txnId).setClientId(clientId).setRegion("US").setDevice(DeviceType.IOS)
        .build());
  }

  private static ReserveClientRequest clientReserve(String txnId, String clientId) {
    return ReserveClientRequest.newBuilder()
        .setTxnId(txnId).setClientId(clientId).setEmail("ada@example.com")
        .setName("Ada Lovelace").setPassword(SignupSystem.PASSWORD).setRegion("US")
        .setDevice(DeviceType.IOS).build();
  }

  /** Writes the log row a crashed orchestrator would have left: TRYING, or COMMITTING. */
  private void writeLog(String txnId, String clientId, Instant deadline, boolean committing) {
    Instant now = Instant.now();
    try (SqliteDatabase db = SqliteDatabase.open(OrchestratorSchema.SPEC,
        dataDir.resolve("orchestrator.db"))) {
      SqlSignupLog log = new SqlSignupLog(db);
      Completions.await(log.insertTrying(new SignupRecord(txnId, "", "fingerprint",
          SignupState.TRYING, clientId, "ada@example.com", "Ada Lovelace", "US", Device.IOS, now,
          now, deadline, null, null, null, null)));
      if (committing) {
        Completions.await(log.markCommitting(txnId, now, new SubscriptionReservation("sub-1",
            new PlanQuote("us-ios", "US iOS", "US", Device.IOS, 999, "USD")), now, now));
      }
    }
  }
}
