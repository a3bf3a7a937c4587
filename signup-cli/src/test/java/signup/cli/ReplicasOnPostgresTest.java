package signup.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static signup.cli.PostgresSystem.number;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.common.store.TestPostgres;
import signup.orchestrator.SignupSystem;
import signup.orchestrator.v1.SignupResponse;
import signup.orchestrator.v1.SignupServiceGrpc;

/**
 * Two orchestrators, two client-servers and two subscription-servers (real servers on localhost
 * ports, in this JVM) on one PostgreSQL: a database per service that its replicas share, every
 * target a list of both replicas. What one replica does, the other sees; what one does not
 * finish, the other does.
 */
class ReplicasOnPostgresTest {
  @TempDir Path dir;
  private PostgresSystem system;

  @BeforeEach
  void startTwoReplicasOfEachService() {
    system = new PostgresSystem(TestPostgres.shared(), dir, 2);
  }

  @AfterEach
  void stopEverything() {
    system.close();
  }

  @Test
  void signupsSpreadOverBothOrchestratorsAndTheAuditFindsThemConsistent() {
    SignupServiceGrpc.SignupServiceBlockingStub both = system.signups();
    for (int i = 0; i < 12; i++) {
      both.withDeadlineAfter(20, TimeUnit.SECONDS)
          .signup(SignupSystem.request("user" + i + "@example.com"));
    }

    assertEquals(2, number(system.orchestratorDb,
        "SELECT count(DISTINCT claimed_by) FROM signup_txn WHERE state = 'DONE'"),
        "both orchestrators decided sign-ups");
    assertEquals(12, number(system.clientDb,
        "SELECT count(*) FROM clients WHERE status = 'CONFIRMED'"));
    system.assertAuditPasses();
  }

  @Test
  void theSameEmailSentToBothOrchestratorsAtOnceHasExactlyOneWinner() throws Exception {
    int racers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<SignupResponse>> answers = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        SignupServiceGrpc.SignupServiceBlockingStub one =
            system.signups("127.0.0.1:" + system.orchestratorPorts[i % 2]);
        answers.add(pool.submit(() -> {
          go.await();
          return one.withDeadlineAfter(20, TimeUnit.SECONDS)
              .signup(SignupSystem.request("ada@example.com"));
        }));
      }
      go.countDown();
      int won = 0;
      for (Future<SignupResponse> answer : answers) {
        try {
          answer.get();
          won++;
        } catch (ExecutionException e) {
          assertEquals(Status.Code.ALREADY_EXISTS,
              ((StatusRuntimeException) e.getCause()).getStatus().getCode(), e.toString());
        }
      }
      assertEquals(1, won);
    } finally {
      pool.shutdownNow();
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertEquals(0, system.unfinishedSignups(), "every loser's sign-up aborted"));
    assertEquals(1, number(system.clientDb, "SELECT count(*) FROM clients"));
    assertEquals(1, number(system.subscriptionDb, "SELECT count(*) FROM subscriptions"));
    system.assertAuditPasses();
  }

  @Test
  void aRequestReplayedOnTheOtherOrchestratorGetsTheFirstOutcome() {
    var request = SignupSystem.request("grace@example.com").toBuilder()
        .setRequestId("8a1d2a36-55c0-4e0d-9a4b-7b8f6d1c0e21").build();

    SignupResponse first = system.signups("127.0.0.1:" + system.orchestratorPorts[0])
        .withDeadlineAfter(20, TimeUnit.SECONDS).signup(request);
    SignupResponse replayed = system.signups("127.0.0.1:" + system.orchestratorPorts[1])
        .withDeadlineAfter(20, TimeUnit.SECONDS).signup(request);

    assertEquals(first.getClient().getClientId(), replayed.getClient().getClientId());
    assertEquals(first.getSignupId(), replayed.getSignupId());
    assertEquals(1, number(system.clientDb, "SELECT count(*) FROM clients"));
  }

  @Test
  void whenOneReplicaOfEachKindStopsMidLoadTheSignupsGoOnThroughTheOthers() throws Exception {
    SignupServiceGrpc.SignupServiceBlockingStub both = system.signups();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger done = new AtomicInteger();
    List<String> failures = new CopyOnWriteArrayList<>();
    List<CompletableFuture<Void>> load = new ArrayList<>();
    for (int worker = 0; worker < 4; worker++) {
      int w = worker;
      load.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; running.get(); i++) {
          try {
            both.withDeadlineAfter(20, TimeUnit.SECONDS)
                .signup(SignupSystem.request("w" + w + "-" + i + "@example.com"));
            done.incrementAndGet();
          } catch (StatusRuntimeException e) {
            failures.add(e.getStatus().getCode().toString());
          }
        }
      }));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> done.get() >= 10);

    system.orchestrators[1].close();
    system.clients[1].close();
    system.subscriptions[1].close();
    int atStop = done.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> done.get() >= atStop + 20);
    running.set(false);
    CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    // Whatever a stop left half-way the surviving orchestrator's recovery finishes, once the
    // stopped one's claims run out.
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertEquals(0, system.unfinishedSignups(), "unfinished sign-ups"));
    assertTrue(failures.stream().allMatch(code -> code.equals("UNAVAILABLE")
        || code.equals("DEADLINE_EXCEEDED") || code.equals("ABORTED")), failures.toString());
    assertEquals(number(system.orchestratorDb,
            "SELECT count(*) FROM signup_txn WHERE state = 'DONE'"),
        number(system.clientDb, "SELECT count(*) FROM clients WHERE status = 'CONFIRMED'"),
        "every DONE sign-up has its client, and no client is left without one");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(system::assertAuditPasses);
  }

}
