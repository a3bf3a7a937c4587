package signup.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static signup.cli.PostgresSystem.number;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.common.grpc.GrpcServerHost;
import signup.common.store.TestPostgres;
import signup.orchestrator.SignupSystem;

/**
 * The PostgreSQL server stopped under load and started again: callers are told UNAVAILABLE,
 * every server reports NOT_SERVING, the system resumes by itself, and nothing acknowledged is
 * lost. A PostgreSQL of the test's own, since it is stopped.
 */
class PostgresOutageTest {
  @TempDir Path dir;
  private TestPostgres postgres;
  private PostgresSystem system;

  @BeforeEach
  void startOneOfEachOnAPostgresqlOfItsOwn() {
    postgres = TestPostgres.startOwn(dir.resolve("pg"));
    system = new PostgresSystem(postgres, dir, 1);
  }

  @AfterEach
  void stop() {
    system.close();
    postgres.close();
  }

  @Test
  void aDatabaseLostUnderLoadIsUnavailableAndTheSystemResumesWithNothingLost() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    List<String> acknowledged = new CopyOnWriteArrayList<>();
    List<Status.Code> refusals = new CopyOnWriteArrayList<>();
    List<CompletableFuture<Void>> load = new ArrayList<>();
    for (int worker = 0; worker < 3; worker++) {
      int w = worker;
      load.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; running.get(); i++) {
          try {
            acknowledged.add(system.signups().withDeadlineAfter(10, TimeUnit.SECONDS)
                .signup(SignupSystem.request("w" + w + "-" + i + "@example.com"))
                .getClient().getClientId());
          } catch (StatusRuntimeException e) {
            refusals.add(e.getStatus().getCode());
          }
        }
      }));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> acknowledged.size() >= 10);

    postgres.stop();

    for (GrpcServerHost host : List.of(system.orchestrators[0], system.clients[0],
        system.subscriptions[0])) {
      await().atMost(Duration.ofSeconds(10)).until(
          () -> system.health(host) == ServingStatus.NOT_SERVING);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> refusals.contains(Status.Code.UNAVAILABLE));

    postgres.startAgain();

    for (GrpcServerHost host : List.of(system.orchestrators[0], system.clients[0],
        system.subscriptions[0])) {
      await().atMost(Duration.ofSeconds(20)).until(
          () -> system.health(host) == ServingStatus.SERVING);
    }
    int atRestart = acknowledged.size();
    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= atRestart + 10);
    running.set(false);
    CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    assertTrue(refusals.stream().allMatch(code -> code == Status.Code.UNAVAILABLE
        || code == Status.Code.DEADLINE_EXCEEDED), refusals.toString());
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertEquals(0, system.unfinishedSignups(), "unfinished sign-ups"));
    for (String clientId : acknowledged) {
      assertEquals(1, number(system.clientDb, "SELECT count(*) FROM clients WHERE client_id = '"
          + clientId + "' AND status = 'CONFIRMED'"), "acknowledged client " + clientId);
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(system::assertAuditPasses);
  }
}
