package signup.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static signup.common.domain.Completions.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.client.domain.Argon2Settings;
import signup.client.domain.ClientRegistration;
import signup.client.domain.PasswordHasher;
import signup.client.store.ClientSchema;
import signup.client.store.SqlClientStore;
import signup.client.v1.ClientParticipantGrpc;
import signup.client.v1.ClientServiceGrpc;
import signup.client.v1.ConfirmClientRequest;
import signup.client.v1.GetClientRequest;
import signup.client.v1.ReserveClientRequest;
import signup.common.MutableClock;
import signup.common.domain.Device;
import signup.common.domain.NotFoundException;
import signup.common.domain.ParticipantSettings;
import signup.common.domain.ReservationSweeper;
import signup.common.domain.TransactionOutcomeConflictException;
import signup.common.grpc.CoordinatorClient;
import signup.common.grpc.GrpcServerHost;
import signup.common.store.SqliteDatabase;
import signup.common.v1.DeviceType;
import signup.orchestrator.v1.Decision;
import signup.orchestrator.v1.ResolveTransactionRequest;
import signup.orchestrator.v1.ResolveTransactionResponse;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;

/**
 * Reservations past their TTL, decided by asking a fake TransactionCoordinator over a real
 * (in-process) gRPC channel: the client's domain and store, CoordinatorClient and the sweeper.
 */
class ReservationSweepTest {
  private static final Duration TTL = Duration.ofSeconds(30);

  @TempDir
  Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FakeCoordinator coordinator = new FakeCoordinator();
  private Server coordinatorServer;
  private ManagedChannel coordinatorChannel;
  private SqliteDatabase db;
  private PasswordHasher hasher;
  private ClientRegistration registration;
  private ReservationSweeper sweeper;

  @BeforeEach
  void setUp() throws IOException {
    String name = InProcessServerBuilder.generateName();
    coordinatorServer =
        InProcessServerBuilder.forName(name).addService(coordinator).build().start();
    coordinatorChannel = InProcessChannelBuilder.forName(name).build();
    db = SqliteDatabase.open(ClientSchema.SPEC, dir.resolve("client.db"));
    hasher = new PasswordHasher(new Argon2Settings(64, 1, 1), 1);
    registration = new ClientRegistration(new SqlClientStore(db, clock), hasher);
    sweeper = new ReservationSweeper(registration.ledger(),
        new CoordinatorClient(coordinatorChannel, Duration.ofSeconds(5)),
        new ParticipantSettings(TTL, Duration.ofSeconds(5)), clock);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    sweeper.close();
    coordinatorChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    coordinatorServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    hasher.close();
    db.close();
  }

  private void reserve(String txn, String clientId) {
    await(registration.reserve(txn, clientId, clientId + "@example.com", "Ann", "correct horse", "US",
        Device.WEB));
  }

  @Test
  void aReservationPastItsTtlIsCancelledWhenTheCoordinatorAnswersAbort() {
    coordinator.answer(Decision.ABORT);
    reserve("txn-1", "client-1");
    clock.advance(TTL.plusSeconds(1));

    assertEquals(1, sweeper.sweepOnce());

    assertEquals(List.of("txn-1"), coordinator.asked);
    assertThrows(TransactionOutcomeConflictException.class, () -> await(registration.confirm("txn-1")));
    // The e-mail is free again.
    await(registration.reserve("txn-2", "client-2", "client-1@example.com", "Ann", "correct horse",
        "US", Device.WEB));
  }

  @Test
  void aReservationPastItsTtlIsConfirmedWhenTheCoordinatorAnswersCommit() {
    coordinator.answer(Decision.COMMIT);
    reserve("txn-1", "client-1");
    clock.advance(TTL.plusSeconds(1));

    assertEquals(1, sweeper.sweepOnce());

    assertEquals("client-1", registration.getClient("client-1").clientId());
  }

  @Test
  void aReservationIsKeptWhileTheCoordinatorIsUnavailable() {
    coordinator.failWith(Status.UNAVAILABLE);
    reserve("txn-1", "client-1");
    clock.advance(TTL.plusSeconds(1));

    assertEquals(0, sweeper.sweepOnce());
    assertEquals(List.of("txn-1"), registration.ledger().claimReservedBefore(clock.instant(), clock.instant(), 10));
    assertThrows(NotFoundException.class, () -> registration.getClient("client-1"));

    coordinator.answer(Decision.COMMIT);
    assertEquals(1, sweeper.sweepOnce());
    assertEquals("client-1", registration.getClient("client-1").clientId());
  }

  @Test
  void aReservationIsKeptWhenTheCoordinatorIsGoneOrAnswersNothingUsable()
      throws InterruptedException {
    coordinator.answer(Decision.DECISION_UNSPECIFIED);
    reserve("txn-1", "client-1");
    clock.advance(TTL.plusSeconds(1));
    assertEquals(0, sweeper.sweepOnce());

    coordinatorServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    assertEquals(0, sweeper.sweepOnce());

    assertEquals(List.of("txn-1"), registration.ledger().claimReservedBefore(clock.instant(), clock.instant(), 10));
  }

  @Test
  void aReservationYoungerThanItsTtlIsNotAskedAbout() {
    coordinator.answer(Decision.ABORT);
    reserve("txn-1", "client-1");
    clock.advance(TTL.minusSeconds(1));

    assertEquals(0, sweeper.sweepOnce());
    assertEquals(List.of(), coordinator.asked);
  }

  @Test
  void theServerSweepsOnItsOwnWithTheChannelItIsGiven() throws InterruptedException {
    coordinator.answer(Decision.COMMIT);
    ClientServerConfig config = ClientServerConfig.defaults(dir.resolve("server.db"))
        .withHashing(new Argon2Settings(64, 1, 1))
        .withParticipant(new ParticipantSettings(TTL, Duration.ofMillis(20)));
    String name = InProcessServerBuilder.generateName();
    GrpcServerHost host = ClientServer.create(config, InProcessServerBuilder.forName(name),
        clock, coordinatorChannel).start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try {
      var participant = ClientParticipantGrpc.newBlockingStub(
          config.transport().authenticated(channel));
      var clients = ClientServiceGrpc.newBlockingStub(config.transport().authenticated(channel));
      participant.reserve(ReserveClientRequest.newBuilder().setTxnId("txn-9")
          .setClientId("client-9").setEmail("nine@example.com").setName("Nine")
          .setPassword("correct horse").setRegion("US").setDevice(DeviceType.ANDROID).build());
      clock.advance(TTL.plusSeconds(1));

      await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.asked.contains("txn-9"));
      await().atMost(Duration.ofSeconds(10)).ignoreException(StatusRuntimeException.class)
          .until(() -> clients.getClient(GetClientRequest.newBuilder().setClientId("client-9")
              .build()).getClientId().equals("client-9"));
      // Confirming again, as the orchestrator would, is harmless.
      participant.confirm(ConfirmClientRequest.newBuilder().setTxnId("txn-9").build());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      host.close();
    }
  }

  /** Answers every ResolveTransaction as told, and remembers what it was asked. */
  private static final class FakeCoordinator
      extends TransactionCoordinatorGrpc.TransactionCoordinatorImplBase {
    final List<String> asked = new CopyOnWriteArrayList<>();
    private final AtomicReference<Object> answer = new AtomicReference<>(Status.UNAVAILABLE);

    void answer(Decision decision) {
      answer.set(decision);
    }

    void failWith(Status status) {
      answer.set(status);
    }

    @Override
    public void resolveTransaction(ResolveTransactionRequest request,
        StreamObserver<ResolveTransactionResponse> response) {
      asked.add(request.getTxnId());
      Object now = answer.get();
      if (now instanceof Status status) {
        response.onError(status.withDescription("fake coordinator down").asRuntimeException());
        return;
      }
      response.onNext(ResolveTransactionResponse.newBuilder().setDecision((Decision) now).build());
      response.onCompleted();
    }
  }
}
