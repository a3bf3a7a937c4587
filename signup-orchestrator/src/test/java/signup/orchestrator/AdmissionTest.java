package signup.orchestrator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.client.domain.Argon2Settings;
import signup.common.domain.ParticipantSettings;
import signup.common.metrics.Scrape;
import signup.orchestrator.domain.AdmissionSettings;
import signup.orchestrator.domain.ProtocolSettings;
import signup.orchestrator.v1.SignupResponse;
import signup.subscription.v1.SubscriptionParticipantGrpc;

/** What the orchestrator refuses at once, through the real servers: before any write. */
class AdmissionTest {
  @TempDir Path dataDir;
  SignupSystem system;
  FaultyProxy proxy;

  @AfterEach
  void stop() {
    system.close();
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void aCallWhoseDeadlineLeavesLessThanTheMinimumIsRefusedAndStartsNothing() {
    system = new SignupSystem(dataDir, SignupSystem.FAST, ParticipantSettings.DEFAULTS)
        .withAdmission(AdmissionSettings.DEFAULTS.withMinTimeLeft(Duration.ofSeconds(30)))
        .startClient().startSubscription().startOrchestrator();

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> system.signups().withDeadlineAfter(10, TimeUnit.SECONDS)
            .signup(SignupSystem.request("ada@example.com")));

    // The orchestrator's own answer, long before the caller's deadline.
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().endsWith("ms a sign-up needs: not started"),
        e.getStatus().getDescription());
    assertEquals(0, system.query("orchestrator.db", "SELECT count(*) FROM signup_txn"));
    assertEquals(0, system.clientRows());
    // A caller without a deadline has all the time it needs.
    system.signups().withDeadline(null).signup(SignupSystem.request("bob@example.com"));
  }

  @Test
  void aSignupPastTheBoundInFlightIsResourceExhaustedWithARetryHintAndWritesNothing()
      throws InvalidProtocolBufferException {
    // Deadlines patient enough for the held reserve on a loaded machine.
    ProtocolSettings patient = new ProtocolSettings(Duration.ofSeconds(10),
        Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(2),
        Duration.ofMillis(200));
    system = new SignupSystem(dataDir, patient, ParticipantSettings.DEFAULTS)
        .withAdmission(AdmissionSettings.DEFAULTS.withMaxInFlight(1))
        .startClient().startSubscription();
    // The one sign-up in flight waits for its subscription reserve.
    proxy = FaultyProxy.inFrontOf(SignupSystem.target(system.subscriptionPort))
        .delay(SubscriptionParticipantGrpc.getReserveMethod(), Duration.ofMillis(1_500));
    system.startOrchestrator(SignupSystem.target(system.clientPort), proxy.target());
    CompletableFuture<SignupResponse> first = CompletableFuture.supplyAsync(
        () -> system.signups().signup(SignupSystem.request("ada@example.com")));
    await().atMost(Duration.ofSeconds(10)).until(() -> system.query("orchestrator.db",
        "SELECT count(*) FROM signup_txn") == 1);

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(SignupSystem.request("bob@example.com")));

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("1 sign-ups in flight"),
        e.getStatus().getDescription());
    RetryInfo retry = StatusProto.fromThrowable(e).getDetails(0).unpack(RetryInfo.class);
    long hintMs = retry.getRetryDelay().getNanos() / 1_000_000
        + retry.getRetryDelay().getSeconds() * 1000;
    long leastMs = AdmissionSettings.DEFAULTS.retryAfter().toMillis();
    assertTrue(hintMs >= leastMs && hintMs <= leastMs * 3 / 2,
        "a hint of " + hintMs + " ms, not within half again of " + leastMs + " ms");
    assertEquals(1, system.query("orchestrator.db", "SELECT count(*) FROM signup_txn"),
        "nothing written for the refused one");
    assertEquals("ada@example.com", first.join().getClient().getEmail());
    // The first done, there is room again.
    system.signups().signup(SignupSystem.request("bob@example.com"));
  }

  @Test
  void signupsSlowerThanTheTargetCutTheNumberAdmittedWhichGrowsBackOnceTheyAreQuick()
      throws Exception {
    ProtocolSettings patient = new ProtocolSettings(Duration.ofSeconds(10),
        Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(2),
        Duration.ofMillis(200));
    int callers = 32;
    system = new SignupSystem(dataDir, patient, ParticipantSettings.DEFAULTS)
        .withAdmission(AdmissionSettings.DEFAULTS.withMaxInFlight(callers)
            .withSlowSignup(Duration.ofMillis(500)))
        // Hashing would queue too (two hashers, 32 callers): only the proxy's delay should.
        .withHashing(Argon2Settings.MINIMUM)
        .startClient().startSubscription();
    // Every subscription reserve takes 700 ms: sign-ups queue, as behind busy hashers.
    proxy = FaultyProxy.inFrontOf(SignupSystem.target(system.subscriptionPort))
        .delay(SubscriptionParticipantGrpc.getReserveMethod(), Duration.ofMillis(700));
    system.startOrchestrator(SignupSystem.target(system.clientPort), proxy.target());
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      for (int i = 0; i < callers; i++) {
        int caller = i;
        pool.submit(() -> {
          for (int n = 0; running.get(); n++) {
            try {
              system.signups().signup(SignupSystem.request("c" + caller + "-" + n + "@example.com"));
            } catch (StatusRuntimeException e) {
              if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                refused.incrementAndGet();
                // As the RetryInfo asks.
                LockSupport.parkNanos(AdmissionSettings.DEFAULTS.retryAfter().toNanos());
              } else {
                failed.incrementAndGet();
              }
            }
          }
        });
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> admissionLimit() == 16);
      await().atMost(Duration.ofSeconds(10)).until(() -> refused.get() > 0);

      proxy.heal();

      // Each round of quick sign-ups adds one; a few rounds are enough to show it grows back
      // (all of them, 376 sign-ups each under 500 ms, could take long on a loaded machine).
      await().atMost(Duration.ofSeconds(60)).until(() -> admissionLimit() >= 20);
    } finally {
      running.set(false);
      pool.shutdown();
      assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    }
    assertEquals(0, failed.get(), "refused at once or served, never failed");
  }

  private double admissionLimit() {
    return Scrape.of(system.orchestratorMetricsPort()).value("signup_admission_limit");
  }
}
