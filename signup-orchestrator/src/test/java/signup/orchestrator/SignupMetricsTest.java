package signup.orchestrator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.client.domain.Argon2Settings;
import signup.client.v1.ReserveClientRequest;
import signup.common.domain.Completions;
import signup.common.domain.Device;
import signup.common.domain.ParticipantSettings;
import signup.common.metrics.Promtool;
import signup.common.metrics.Scrape;
import signup.common.store.SqliteDatabase;
import signup.common.v1.DeviceType;
import signup.orchestrator.domain.PlanQuote;
import signup.orchestrator.domain.ProtocolSettings;
import signup.orchestrator.domain.SignupRecord;
import signup.orchestrator.domain.SignupState;
import signup.orchestrator.domain.SubscriptionReservation;
import signup.orchestrator.store.OrchestratorSchema;
import signup.orchestrator.store.SqlSignupLog;
import signup.subscription.v1.ReserveSubscriptionRequest;

/**
 * The three real servers' {@code /metrics}, scraped over HTTP before and after some sign-ups:
 * each series moves by exactly what happened, and Prometheus's linter accepts every page.
 */
class SignupMetricsTest {
  private static final String SIGNUP = "signup.orchestrator.v1.SignupService/Signup";
  private static final String CLIENT_RESERVE = "signup.client.v1.ClientParticipant/Reserve";
  private static final String CLIENT_CONFIRM = "signup.client.v1.ClientParticipant/Confirm";
  private static final String CLIENT_CANCEL = "signup.client.v1.ClientParticipant/Cancel";
  private static final String SUBSCRIPTION_RESERVE =
      "signup.subscription.v1.SubscriptionParticipant/Reserve";

  @TempDir Path dataDir;
  SignupSystem system;

  @AfterEach
  void stop() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void signupsMoveEachServersSeriesByExactlyWhatHappened() {
    // Recovery's first pass at start, then none: each pass writes too (it claims the rows it
    // works), and passes every 200 ms would add their writes to the sign-ups' own.
    ProtocolSettings onePass = new ProtocolSettings(SignupSystem.FAST.reserveDeadline(),
        SignupSystem.FAST.tryTimeout(), SignupSystem.FAST.secondPhaseBudget(),
        SignupSystem.FAST.callDeadline(), Duration.ofHours(1));
    system = new SignupSystem(dataDir, onePass, ParticipantSettings.DEFAULTS)
        .withHashing(Argon2Settings.MINIMUM)
        .startClient().startSubscription().startOrchestrator();
    await().atMost(Duration.ofSeconds(10)).until(() -> Scrape.of(system.orchestratorMetricsPort())
        .value("signup_recovery_passes_total") == 1);
    Scrape orchestratorBefore = Scrape.of(system.orchestratorMetricsPort());
    Scrape clientBefore = Scrape.of(system.clientMetricsPort());
    Scrape subscriptionBefore = Scrape.of(system.subscriptionMetricsPort());

    for (String email : new String[] {"a@example.com", "b@example.com", "c@example.com"}) {
      system.signups().signup(SignupSystem.request(email));
    }
    StatusRuntimeException duplicate = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(SignupSystem.request("a@example.com")));
    assertEquals(Status.Code.ALREADY_EXISTS, duplicate.getStatus().getCode());
    StatusRuntimeException invalid = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(SignupSystem.request("not-an-email")));
    assertEquals(Status.Code.INVALID_ARGUMENT, invalid.getStatus().getCode());

    Scrape orchestrator = Scrape.of(system.orchestratorMetricsPort());
    Scrape client = Scrape.of(system.clientMetricsPort());
    Scrape subscription = Scrape.of(system.subscriptionMetricsPort());
    Delta o = new Delta(orchestratorBefore, orchestrator);
    // The invalid one never became a sign-up: refused before its TRYING row.
    o.is(4, "signup_started_total");
    o.is(3, "signup_completed_total");
    o.is(1, "signup_aborted_total", "reason", "ALREADY_EXISTS");
    o.is(1, "signup_aborted_total");
    o.is(0, "signup_pending_replies_total");
    o.is(5, "grpc_server_call_started_total", "grpc_method", SIGNUP);
    o.is(3, "grpc_server_call_duration_seconds_count", "grpc_method", SIGNUP,
        "grpc_status", "OK");
    o.is(1, "grpc_server_call_duration_seconds_count", "grpc_method", SIGNUP,
        "grpc_status", "ALREADY_EXISTS");
    o.is(1, "grpc_server_call_duration_seconds_count", "grpc_method", SIGNUP,
        "grpc_status", "INVALID_ARGUMENT");
    o.is(3, "grpc_client_call_duration_seconds_count", "grpc_method", CLIENT_RESERVE,
        "grpc_status", "OK");
    o.is(1, "grpc_client_call_duration_seconds_count", "grpc_method", CLIENT_RESERVE,
        "grpc_status", "ALREADY_EXISTS");
    o.is(4, "grpc_client_call_duration_seconds_count", "grpc_method", SUBSCRIPTION_RESERVE,
        "grpc_status", "OK");
    o.is(3, "grpc_client_call_duration_seconds_count", "grpc_method", CLIENT_CONFIRM);
    o.is(1, "grpc_client_call_duration_seconds_count", "grpc_method", CLIENT_CANCEL);
    // Three writes a sign-up: TRYING, COMMITTING, DONE (or ABORTING, ABORTED).
    o.is(12, "signup_db_commit_writes_sum", "db", "orchestrator");
    o.atLeast(1, "signup_db_commit_duration_seconds_count", "db", "orchestrator");
    assertEquals(0, orchestrator.value("signup_log_unfinished", "state", "COMMITTING"));

    Delta c = new Delta(clientBefore, client);
    c.is(4, "grpc_server_call_duration_seconds_count", "grpc_method", CLIENT_RESERVE);
    c.is(1, "grpc_server_call_duration_seconds_count", "grpc_method", CLIENT_RESERVE,
        "grpc_status", "ALREADY_EXISTS");
    c.is(3, "grpc_server_call_duration_seconds_count", "grpc_method", CLIENT_CONFIRM,
        "grpc_status", "OK");
    // Every reserve hashes first, outside the database write: the duplicate's too.
    c.is(4, "signup_hasher_hash_duration_seconds_count");
    c.is(0, "signup_hasher_refused_total");
    // 4 reserves (the duplicate's fails in its savepoint), 3 confirms, 1 empty cancel.
    c.is(8, "signup_db_commit_writes_sum", "db", "client");
    assertEquals(0, client.value("signup_hasher_queued"));

    Delta s = new Delta(subscriptionBefore, subscription);
    s.is(4, "grpc_server_call_duration_seconds_count", "grpc_method", SUBSCRIPTION_RESERVE,
        "grpc_status", "OK");
    s.is(8, "signup_db_commit_writes_sum", "db", "subscription");

    for (Scrape page : new Scrape[] {orchestrator, client, subscription}) {
      Promtool.checkMetrics(page.text);
    }
  }

  @Test
  void aRowHeldInCommittingShowsInTheBacklogAndCountsOnceAsRecoveredWhenItsDriveFinishesIt() {
    system = new SignupSystem(dataDir, SignupSystem.FAST, ParticipantSettings.DEFAULTS)
        .withHashing(Argon2Settings.MINIMUM)
        .startClient().startSubscription();
    String txnId = UUID.randomUUID().toString();
    String clientId = UUID.randomUUID().toString();
    reserveOnBoth(txnId, clientId);
    system.stopClient();
    Instant started = Instant.now().minusSeconds(90);
    writeCommittingRow(txnId, clientId, started);

    system.startOrchestrator();

    // Recovery cannot confirm on the stopped client-server (its confirm drive keeps retrying,
    // the pass does not wait for it): the row stays, and ages.
    await().atMost(Duration.ofSeconds(15)).until(() -> Scrape.of(system.orchestratorMetricsPort())
        .value("grpc_client_call_duration_seconds_count", "grpc_method", CLIENT_CONFIRM,
            "grpc_status", "UNAVAILABLE") >= 2);
    Scrape held = Scrape.of(system.orchestratorMetricsPort());
    assertEquals(1, held.value("signup_log_unfinished", "state", "COMMITTING"));
    assertEquals(0, held.value("signup_log_unfinished", "state", "TRYING"));
    double age = held.value("signup_log_oldest_age_seconds", "state", "COMMITTING");
    assertTrue(age >= 90 && age < 120, "age " + age);
    assertEquals(0, held.value("signup_completed_total"));
    // Taken over by recovery, not finished yet: left (by each pass that tried it), not finished.
    assertEquals(0, held.value("signup_recovery_rows_finished_total"));
    assertTrue(held.value("signup_recovery_rows_left_total") >= 1);
    Promtool.checkMetrics(held.text);

    system.startClient();

    await().atMost(Duration.ofSeconds(15)).until(() -> Scrape.of(system.orchestratorMetricsPort())
        .value("signup_log_unfinished", "state", "COMMITTING") == 0);
    Scrape after = Scrape.of(system.orchestratorMetricsPort());
    assertEquals(0, after.value("signup_log_oldest_age_seconds", "state", "COMMITTING"));
    // Finished by the confirm drive recovery started (a pass does not wait for it to succeed).
    assertEquals(1, after.value("signup_completed_total"));
    assertEquals(0, after.value("signup_recovery_failures_total"));
    // A row recovery took over counts as finished by recovery once it is, whoever wrote DONE
    // (here its drive, after the pass had counted it left)...
    assertEquals(1, after.value("signup_recovery_rows_finished_total"));
    // ... and once only: later passes find nothing to count again.
    double passes = after.value("signup_recovery_passes_total");
    await().atMost(Duration.ofSeconds(10)).until(() -> Scrape.of(system.orchestratorMetricsPort())
        .value("signup_recovery_passes_total") >= passes + 2);
    assertEquals(1, Scrape.of(system.orchestratorMetricsPort())
        .value("signup_recovery_rows_finished_total"));
  }

  private void reserveOnBoth(String txnId, String clientId) {
    system.clientParticipant().reserve(ReserveClientRequest.newBuilder()
        .setTxnId(txnId).setClientId(clientId).setEmail("ada@example.com")
        .setName("Ada Lovelace").setPassword(SignupSystem.PASSWORD).setRegion("US")
        .setDevice(DeviceType.IOS).build());
    system.subscriptionParticipant().reserve(ReserveSubscriptionRequest.newBuilder()
        .setTxnId(txnId).setClientId(clientId).setRegion("US").setDevice(DeviceType.IOS)
        .build());
  }

  /** The row an orchestrator leaves when it decided to commit and then stopped. */
  private void writeCommittingRow(String txnId, String clientId, Instant started) {
    try (SqliteDatabase db = SqliteDatabase.open(OrchestratorSchema.SPEC,
        dataDir.resolve("orchestrator.db"))) {
      SqlSignupLog log = new SqlSignupLog(db);
      Completions.await(log.insertTrying(new SignupRecord(txnId, "", "fingerprint",
          SignupState.TRYING, clientId, "ada@example.com", "Ada Lovelace", "US", Device.IOS,
          started, started, started.plusSeconds(60), null, null, null, null)));
      Completions.await(log.markCommitting(txnId, started, new SubscriptionReservation("sub-1",
          new PlanQuote("us-ios", "US iOS", "US", Device.IOS, 999, "USD"), started, started),
          started, started));
    }
  }

  /** How far each series moved between two scrapes. */
  private record Delta(Scrape before, Scrape after) {
    void is(double expected, String name, String... labels) {
      assertEquals(expected, after.value(name, labels) - before.value(name, labels),
          name + " " + String.join(",", labels));
    }

    void atLeast(double least, String name, String... labels) {
      double moved = after.value(name, labels) - before.value(name, labels);
      assertTrue(moved >= least, name + " moved " + moved);
    }
  }
}
