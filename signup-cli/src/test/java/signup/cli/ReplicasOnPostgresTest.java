package signup.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
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
import picocli.CommandLine;
import signup.client.ClientServer;
import signup.client.ClientServerConfig;
import signup.client.domain.Argon2Settings;
import signup.common.domain.ParticipantSettings;
import signup.common.domain.Retention;
import signup.common.grpc.GrpcServerHost;
import signup.common.security.InternalToken;
import signup.common.security.Transport;
import signup.common.store.DatabaseLocation.PostgresServer;
import signup.common.store.TestPostgres;
import signup.orchestrator.OrchestratorConfig;
import signup.orchestrator.OrchestratorServer;
import signup.orchestrator.SignupSystem;
import signup.orchestrator.v1.SignupResponse;
import signup.orchestrator.v1.SignupServiceGrpc;
import signup.subscription.SubscriptionServer;
import signup.subscription.SubscriptionServerConfig;

/**
 * Two orchestrators, two client-servers and two subscription-servers (real servers on localhost
 * ports, in this JVM) on one PostgreSQL: a database per service that its replicas share, every
 * target a list of both replicas. What one replica does, the other sees; what one does not
 * finish, the other does.
 */
class ReplicasOnPostgresTest {
  private static final ParticipantSettings PARTICIPANT =
      new ParticipantSettings(Duration.ofSeconds(5), Duration.ofMillis(500));

  @TempDir Path dir;
  private final TestPostgres postgres = TestPostgres.shared();
  private PostgresServer orchestratorDb;
  private PostgresServer clientDb;
  private PostgresServer subscriptionDb;
  private Transport transport;
  private final int[] orchestratorPorts = {SignupSystem.freePort(), SignupSystem.freePort()};
  private final int[] clientPorts = {SignupSystem.freePort(), SignupSystem.freePort()};
  private final int[] subscriptionPorts = {SignupSystem.freePort(), SignupSystem.freePort()};
  private final GrpcServerHost[] orchestrators = new GrpcServerHost[2];
  private final GrpcServerHost[] clients = new GrpcServerHost[2];
  private final GrpcServerHost[] subscriptions = new GrpcServerHost[2];
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void startTwoReplicasOfEachService() {
    orchestratorDb = postgres.createDatabase();
    clientDb = postgres.createDatabase();
    subscriptionDb = postgres.createDatabase();
    // Every replica presents the same internal token: one for the whole system, as an operator
    // gives it through SIGNUP_INTERNAL_TOKEN or a shared file.
    transport = Transport.plaintext(InternalToken.load(java.util.Map.of(),
        dir.resolve(InternalToken.FILE_NAME)));
    for (int i = 0; i < 2; i++) {
      clients[i] = ClientServer.create(ClientServerConfig.defaults(dir.resolve("unused.db"))
          .withDatabase(clientDb).withPort(clientPorts[i])
          .withCoordinatorTarget(list(orchestratorPorts)).withParticipant(PARTICIPANT)
          .withHashing(Argon2Settings.MINIMUM).withTransport(transport)).start();
      subscriptions[i] = SubscriptionServer.create(new SubscriptionServerConfig("127.0.0.1",
          subscriptionPorts[i], subscriptionDb, list(orchestratorPorts), PARTICIPANT,
          Duration.ofSeconds(1), transport, Retention.DEFAULT)).start();
    }
    for (int i = 0; i < 2; i++) {
      orchestrators[i] = OrchestratorServer.create(new OrchestratorConfig("127.0.0.1",
          orchestratorPorts[i], orchestratorDb, list(clientPorts), list(subscriptionPorts),
          SignupSystem.FAST, transport, Retention.DEFAULT)).start();
    }
  }

  @AfterEach
  void stopEverything() {
    channels.forEach(ManagedChannel::shutdownNow);
    for (GrpcServerHost[] kind : List.of(orchestrators, clients, subscriptions)) {
      for (GrpcServerHost host : kind) {
        if (host != null) {
          host.close();
        }
      }
    }
  }

  @Test
  void signupsSpreadOverBothOrchestratorsAndTheAuditFindsThemConsistent() {
    SignupServiceGrpc.SignupServiceBlockingStub both = signups(list(orchestratorPorts));
    for (int i = 0; i < 12; i++) {
      both.withDeadlineAfter(20, TimeUnit.SECONDS)
          .signup(SignupSystem.request("user" + i + "@example.com"));
    }

    assertEquals(2, number(orchestratorDb,
        "SELECT count(DISTINCT claimed_by) FROM signup_txn WHERE state = 'DONE'"),
        "both orchestrators decided sign-ups");
    assertEquals(12, number(clientDb,
        "SELECT count(*) FROM clients WHERE status = 'CONFIRMED'"));
    assertAuditPasses();
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
            signups("127.0.0.1:" + orchestratorPorts[i % 2]);
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
        } catch (java.util.concurrent.ExecutionException e) {
          assertEquals(Status.Code.ALREADY_EXISTS,
              ((StatusRuntimeException) e.getCause()).getStatus().getCode(), e.toString());
        }
      }
      assertEquals(1, won);
    } finally {
      pool.shutdownNow();
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(0, number(
        orchestratorDb, "SELECT count(*) FROM signup_txn WHERE state NOT IN ('DONE', 'ABORTED')"),
        "every loser's sign-up aborted"));
    assertEquals(1, number(clientDb, "SELECT count(*) FROM clients"));
    assertEquals(1, number(subscriptionDb, "SELECT count(*) FROM subscriptions"));
    assertAuditPasses();
  }

  @Test
  void aRequestReplayedOnTheOtherOrchestratorGetsTheFirstOutcome() {
    var request = SignupSystem.request("grace@example.com").toBuilder()
        .setRequestId("8a1d2a36-55c0-4e0d-9a4b-7b8f6d1c0e21").build();

    SignupResponse first = signups("127.0.0.1:" + orchestratorPorts[0])
        .withDeadlineAfter(20, TimeUnit.SECONDS).signup(request);
    SignupResponse replayed = signups("127.0.0.1:" + orchestratorPorts[1])
        .withDeadlineAfter(20, TimeUnit.SECONDS).signup(request);

    assertEquals(first.getClient().getClientId(), replayed.getClient().getClientId());
    assertEquals(first.getSignupId(), replayed.getSignupId());
    assertEquals(1, number(clientDb, "SELECT count(*) FROM clients"));
  }

  @Test
  void whenOneReplicaOfEachKindStopsMidLoadTheSignupsGoOnThroughTheOthers() throws Exception {
    SignupServiceGrpc.SignupServiceBlockingStub both = signups(list(orchestratorPorts));
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

    orchestrators[1].close();
    clients[1].close();
    subscriptions[1].close();
    int atStop = done.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> done.get() >= atStop + 20);
    running.set(false);
    CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    // Whatever a stop left half-way the surviving orchestrator's recovery finishes, once the
    // stopped one's claims run out.
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(0, number(
        orchestratorDb, "SELECT count(*) FROM signup_txn WHERE state NOT IN ('DONE', 'ABORTED')"),
        "unfinished sign-ups"));
    assertTrue(failures.stream().allMatch(code -> code.equals("UNAVAILABLE")
        || code.equals("DEADLINE_EXCEEDED") || code.equals("ABORTED")), failures.toString());
    assertEquals(number(orchestratorDb, "SELECT count(*) FROM signup_txn WHERE state = 'DONE'"),
        number(clientDb, "SELECT count(*) FROM clients WHERE status = 'CONFIRMED'"),
        "every DONE sign-up has its client, and no client is left without one");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(this::assertAuditPasses);
  }

  /** {@code signup audit} at its strictest on the three PostgreSQL databases. */
  private void assertAuditPasses() {
    CommandLine cli = SignupCli.commandLine(new ByteArrayInputStream(new byte[0]));
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));

    int exitCode = cli.execute("audit", "--data-dir", dir.toString(),
        "--client-db-url", clientDb.url() + "?user=" + clientDb.user(),
        "--subscription-db-url", subscriptionDb.url() + "?user=" + subscriptionDb.user(),
        "--orchestrator-db-url", orchestratorDb.url() + "?user=" + orchestratorDb.user(),
        "--max-pending-age", "PT0S");

    assertEquals(0, exitCode, "signup audit:\n" + out);
  }

  private SignupServiceGrpc.SignupServiceBlockingStub signups(String target) {
    ManagedChannel channel = transport.channel(target);
    channels.add(channel);
    return SignupServiceGrpc.newBlockingStub(channel);
  }

  private static String list(int[] ports) {
    return "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1];
  }

  private static long number(PostgresServer db, String sql) {
    try (Connection c = db.openReadOnly();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
