package signup.orchestrator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.client.domain.Argon2Settings;
import signup.client.v1.ClientParticipantGrpc;
import signup.client.v1.GetClientRequest;
import signup.client.v1.ReserveClientRequest;
import signup.common.domain.Completions;
import signup.common.domain.Device;
import signup.common.domain.ParticipantSettings;
import signup.common.metrics.Scrape;
import signup.common.store.SqliteDatabase;
import signup.common.v1.DeviceType;
import signup.orchestrator.domain.FailureKind;
import signup.orchestrator.domain.PlanQuote;
import signup.orchestrator.domain.ProtocolSettings;
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

  @Test
  void aBurstOfSignupsIsConfirmedOnceEachRecoveryRedoesNoLiveWork() throws Exception {
    // Recovery passes back to back, so that many of them find rows of live requests; deadlines
    // patient enough for a loaded machine.
    ProtocolSettings eager = new ProtocolSettings(Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(5));
    system = new SignupSystem(dataDir, eager, ParticipantSettings.DEFAULTS)
        .withHashing(Argon2Settings.MINIMUM).startClient().startSubscription();
    try {
      system.startOrchestrator();
      int signups = 300;
      ExecutorService senders = Executors.newFixedThreadPool(16);
      try {
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < signups; i++) {
          String email = "burst-" + i + "@example.com";
          sent.add(senders.submit(() -> system.signups().signup(SignupSystem.request(email))));
        }
        for (Future<?> one : sent) {
          try {
            one.get();
          } catch (ExecutionException e) {
            // A sign-up too slow for a loaded machine: aborted, it is confirmed nowhere.
          }
        }
      } finally {
        senders.shutdownNow();
      }

      // Each sign-up's request confirmed it; recovery, finding a row whose request was still
      // driving it (or had just finished), confirmed some a second time.
      long done = system.query("orchestrator.db",
          "SELECT count(*) FROM signup_txn WHERE state = 'DONE'");
      assertTrue(done > signups / 2, done + " of " + signups + " done");
      // Confirms travel alone or in batches: the txns the orchestrator sent, whichever way.
      assertEquals(done, Scrape.of(system.orchestratorMetricsPort()).value(
          "signup_confirm_batch_size_sum", "participant", "subscription-server"),
          "confirms of " + done + " sign-ups");
    } finally {
      system.stopOrchestrator();
    }
  }

  @Test
  void withClientServerSilentTheOtherSideOfEveryRowGoesOnAndAllConvergeOnceItAnswers() {
    system = new SignupSystem(dataDir, SignupSystem.FAST, ParticipantSettings.DEFAULTS)
        .withHashing(Argon2Settings.MINIMUM).startClient().startSubscription();
    int rows = 20;
    for (int i = 0; i < rows; i++) {
      String txnId = UUID.randomUUID().toString();
      String clientId = UUID.randomUUID().toString();
      reserveOnBoth(txnId, clientId, "row-" + i + "@example.com");
      // Half decided to commit, half to abort, by an orchestrator that crashed then.
      writeLog(txnId, clientId, "row-" + i + "@example.com", Instant.now().plusSeconds(60),
          i % 2 == 0 ? SignupState.COMMITTING : SignupState.ABORTING);
    }
    // Connected, and silent: every Confirm and Cancel held past its deadline.
    FaultyProxy silent = FaultyProxy.inFrontOf(SignupSystem.target(system.clientPort))
        .delay(ClientParticipantGrpc.getConfirmMethod(), Duration.ofSeconds(30))
        .delay(ClientParticipantGrpc.getConfirmBatchMethod(), Duration.ofSeconds(30))
        .delay(ClientParticipantGrpc.getCancelMethod(), Duration.ofSeconds(30));
    try {
      system.startOrchestrator(silent.target(), SignupSystem.target(system.subscriptionPort));

      await().atMost(Duration.ofSeconds(15)).until(() -> system.query("subscription.db",
          "SELECT count(*) FROM txn_barrier WHERE state = 'RESERVED'") == 0);
      assertEquals(rows, system.query("client.db",
          "SELECT count(*) FROM txn_barrier WHERE state = 'RESERVED'"), "the client's wait");

      silent.heal();
      await().atMost(Duration.ofSeconds(10)).until(() -> system.query("orchestrator.db",
          "SELECT count(*) FROM signup_txn WHERE state IN ('DONE', 'ABORTED')") == rows);
      assertEquals(rows / 2, system.clientRows(), "the committed ones, confirmed");
      assertEquals(rows / 2, system.subscriptionRows());
    } finally {
      system.stopOrchestrator();
      silent.close();
    }
  }

  private void reserveOnBoth(String txnId, String clientId) {
    reserveOnBoth(txnId, clientId, "ada@example.com");
  }

  private void reserveOnBoth(String txnId, String clientId, String email) {
    system.clientParticipant().reserve(clientReserve(txnId, clientId).toBuilder()
        .setEmail(email).build());
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
    writeLog(txnId, clientId, "ada@example.com", deadline,
        committing ? SignupState.COMMITTING : SignupState.TRYING);
  }

  /** ... TRYING, COMMITTING or ABORTING. */
  private void writeLog(String txnId, String clientId, String email, Instant deadline,
      SignupState state) {
    Instant now = Instant.now();
    try (SqliteDatabase db = SqliteDatabase.open(OrchestratorSchema.SPEC,
        dataDir.resolve("orchestrator.db"))) {
      SqlSignupLog log = new SqlSignupLog(db);
      Completions.await(log.insertTrying(new SignupRecord(txnId, "", "fingerprint",
          SignupState.TRYING, clientId, email, "Ada Lovelace", "US", Device.IOS, now,
          now, deadline, null, null, null, null)));
      if (state == SignupState.COMMITTING) {
        Completions.await(log.markCommitting(txnId, now, new SubscriptionReservation("sub-1",
            new PlanQuote("us-ios", "US iOS", "US", Device.IOS, 999, "USD"), now, now), now,
            now));
      } else if (state == SignupState.ABORTING) {
        log.markAborting(txnId, FailureKind.UNAVAILABLE, "client-server is unavailable", now);
      }
    }
  }
}
