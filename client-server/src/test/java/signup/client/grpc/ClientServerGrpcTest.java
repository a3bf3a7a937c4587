package signup.client.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import signup.client.ClientServerConfig;
import signup.client.InProcessClientServer;
import signup.client.v1.CancelClientRequest;
import signup.client.v1.Client;
import signup.client.v1.ConfirmClientRequest;
import signup.client.v1.GetClientByEmailRequest;
import signup.client.v1.GetClientRequest;
import signup.client.v1.ReserveClientRequest;
import signup.common.v1.DeviceType;

/** The whole server through real stubs on an in-process transport, at production hash cost. */
class ClientServerGrpcTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir
  Path dir;
  private InProcessClientServer server;

  @BeforeEach
  void startServer() {
    server = InProcessClientServer.start(ClientServerConfig.defaults(dir.resolve("client.db")),
        Clock.systemUTC());
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    server.close();
  }

  private static ReserveClientRequest.Builder reserve(String txn, String clientId, String email) {
    return ReserveClientRequest.newBuilder()
        .setTxnId(txn)
        .setClientId(clientId)
        .setEmail(email)
        .setName("Ann Lee")
        .setPassword(PASSWORD)
        .setRegion("us")
        .setDevice(DeviceType.IOS);
  }

  private Client reserveClient(String txn, String clientId, String email) {
    return server.participant().reserve(reserve(txn, clientId, email).build()).getClient();
  }

  private Client confirm(String txn) {
    return server.participant().confirm(ConfirmClientRequest.newBuilder().setTxnId(txn).build())
        .getClient();
  }

  private void cancel(String txn) {
    server.participant().cancel(CancelClientRequest.newBuilder().setTxnId(txn).build());
  }

  private Client getClient(String clientId) {
    return server.clients().getClient(GetClientRequest.newBuilder().setClientId(clientId).build());
  }

  private Client getClientByEmail(String email) {
    return server.clients()
        .getClientByEmail(GetClientByEmailRequest.newBuilder().setEmail(email).build());
  }

  private static Status.Code codeOf(Executable call) {
    return assertThrows(StatusRuntimeException.class, call).getStatus().getCode();
  }

  @Test
  void aReservedThenConfirmedClientCanBeReadByIdAndByEmail() {
    Client reserved = reserveClient("txn-1", "client-1", "  Ann.Lee@Example.com ");
    assertEquals("ann.lee@example.com", reserved.getEmail());
    assertEquals("US", reserved.getRegion());
    assertEquals(DeviceType.IOS, reserved.getDevice());

    Client confirmed = confirm("txn-1");

    assertEquals(confirmed, getClient("client-1"));
    assertEquals(confirmed, getClientByEmail("ANN.LEE@example.COM"));
    assertEquals("Ann Lee", confirmed.getName());
    assertTrue(confirmed.getCreatedAt().getSeconds() > 0);
  }

  @Test
  void aPendingClientIsNotFoundUntilConfirmed() {
    reserveClient("txn-1", "client-1", "ann@example.com");

    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> getClient("client-1")));
    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> getClientByEmail("ann@example.com")));

    confirm("txn-1");
    assertEquals("client-1", getClient("client-1").getClientId());
  }

  @Test
  void reserveConfirmAndCancelAreIdempotentPerTxn() {
    Client first = reserveClient("txn-1", "client-1", "ann@example.com");
    assertEquals(first, reserveClient("txn-1", "client-1", "ann@example.com"));

    Client confirmed = confirm("txn-1");
    assertEquals(confirmed, confirm("txn-1"));

    reserveClient("txn-2", "client-2", "bob@example.com");
    cancel("txn-2");
    cancel("txn-2");
    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> getClient("client-2")));
  }

  @Test
  void aCancelBeforeTheReserveMakesTheLateReserveAbortedAndWritesNoClient() {
    cancel("txn-1");

    assertEquals(Status.Code.ABORTED,
        codeOf(() -> reserveClient("txn-1", "client-1", "ann@example.com")));

    // No row holds the e-mail or the id: another sign-up may take them.
    Client other = reserveClient("txn-2", "client-1", "ann@example.com");
    assertEquals("client-1", other.getClientId());
  }

  @Test
  void aConfirmOfACancelledTxnFailsWithFailedPrecondition() {
    reserveClient("txn-1", "client-1", "ann@example.com");
    cancel("txn-1");

    assertEquals(Status.Code.FAILED_PRECONDITION, codeOf(() -> confirm("txn-1")));
    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> getClient("client-1")));
  }

  @Test
  void aCancelOfAConfirmedTxnFailsWithFailedPreconditionAndTheClientStays() {
    reserveClient("txn-1", "client-1", "ann@example.com");
    confirm("txn-1");

    assertEquals(Status.Code.FAILED_PRECONDITION, codeOf(() -> cancel("txn-1")));
    assertEquals("client-1", getClient("client-1").getClientId());
  }

  @Test
  void aConfirmOfAnUnknownTxnIsNotFound() {
    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> confirm("txn-never-reserved")));
  }

  @Test
  void duplicateEmailIsRejectedWithAlreadyExistsCaseInsensitivelyWhetherPendingOrConfirmed() {
    reserveClient("txn-1", "client-1", "Ann@Example.com");

    StatusRuntimeException pending = assertThrows(StatusRuntimeException.class,
        () -> reserveClient("txn-2", "client-2", "ann@EXAMPLE.com"));
    assertEquals(Status.Code.ALREADY_EXISTS, pending.getStatus().getCode());
    assertEquals("email: already registered", pending.getStatus().getDescription());

    confirm("txn-1");
    assertEquals(Status.Code.ALREADY_EXISTS,
        codeOf(() -> reserveClient("txn-3", "client-3", "ANN@example.com")));
    // The refused reserves left no barrier row behind: their txns are unknown.
    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> confirm("txn-2")));
    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> confirm("txn-3")));
  }

  @Test
  void ofThirtyTwoConcurrentReservesOfOneEmailExactlyOneSucceeds() throws Exception {
    int threads = 32;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Status.Code>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        String n = String.valueOf(i);
        Callable<Status.Code> attempt = () -> {
          go.await();
          try {
            reserveClient("txn-" + n, "client-" + n, "race@example.com");
            return Status.Code.OK;
          } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
          }
        };
        results.add(pool.submit(attempt));
      }
      go.countDown();
      List<Status.Code> codes = new ArrayList<>();
      for (Future<Status.Code> result : results) {
        codes.add(result.get(60, TimeUnit.SECONDS));
      }

      assertEquals(1, codes.stream().filter(c -> c == Status.Code.OK).count(), codes.toString());
      assertEquals(threads - 1,
          codes.stream().filter(c -> c == Status.Code.ALREADY_EXISTS).count(), codes.toString());
    } finally {
      pool.shutdownNow();
    }
  }

  static Stream<Arguments> badFields() {
    return Stream.of(
        Arguments.of("txn_id", reserve("", "client-1", "ann@example.com")),
        Arguments.of("txn_id", reserve("txn with spaces", "client-1", "ann@example.com")),
        Arguments.of("client_id", reserve("txn-1", "", "ann@example.com")),
        Arguments.of("client_id", reserve("txn-1", "x".repeat(129), "ann@example.com")),
        Arguments.of("email", reserve("txn-1", "client-1", "ann@")),
        Arguments.of("email", reserve("txn-1", "client-1", "")),
        Arguments.of("name", reserve("txn-1", "client-1", "ann@example.com").setName(" ")),
        Arguments.of("name",
            reserve("txn-1", "client-1", "ann@example.com").setName("n".repeat(201))),
        Arguments.of("password",
            reserve("txn-1", "client-1", "ann@example.com").setPassword("short")),
        Arguments.of("region", reserve("txn-1", "client-1", "ann@example.com").setRegion("ZZ")),
        Arguments.of("device", reserve("txn-1", "client-1", "ann@example.com")
            .setDevice(DeviceType.DEVICE_TYPE_UNSPECIFIED)),
        Arguments.of("device", reserve("txn-1", "client-1", "ann@example.com")
            .setDeviceValue(42)));
  }

  @ParameterizedTest
  @MethodSource("badFields")
  void aBadFieldIsNamedInTheBadRequestDetailsAndInTheMessage(String field,
      ReserveClientRequest.Builder request) throws InvalidProtocolBufferException {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> server.participant().reserve(request.build()));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(List.of(field), badRequestFields(e));
    assertTrue(e.getStatus().getDescription().startsWith(field + ": "),
        e.getStatus().getDescription());
    // Nothing was written: the same txn and e-mail still reserve cleanly.
    assertEquals("client-1", reserveClient("txn-1", "client-1", "ann@example.com").getClientId());
  }

  @Test
  void everyBadFieldIsReportedAtOnce() throws InvalidProtocolBufferException {
    ReserveClientRequest request = ReserveClientRequest.newBuilder()
        .setTxnId("")
        .setClientId("has space")
        .setEmail("nope")
        .setName("")
        .setPassword("1234")
        .setRegion("ZZ")
        .build();

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> server.participant().reserve(request));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    List<String> fields =
        List.of("txn_id", "client_id", "email", "name", "password", "region", "device");
    assertEquals(fields, badRequestFields(e));
    for (String field : fields) {
      assertTrue(e.getStatus().getDescription().contains(field + ": "),
          field + " missing from: " + e.getStatus().getDescription());
    }
  }

  @Test
  void readsRefuseEmptyKeysWithInvalidArgumentAndUnknownOnesWithNotFound()
      throws InvalidProtocolBufferException {
    StatusRuntimeException noId = assertThrows(StatusRuntimeException.class,
        () -> getClient(""));
    assertEquals(Status.Code.INVALID_ARGUMENT, noId.getStatus().getCode());
    assertEquals(List.of("client_id"), badRequestFields(noId));

    StatusRuntimeException noEmail = assertThrows(StatusRuntimeException.class,
        () -> getClientByEmail(""));
    assertEquals(Status.Code.INVALID_ARGUMENT, noEmail.getStatus().getCode());
    assertEquals(List.of("email"), badRequestFields(noEmail));

    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> getClient("client-unknown")));
    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> getClientByEmail("nobody@example.com")));
  }

  @Test
  void noCallEverAnswersUnknownOrInternal() {
    List<Executable> odd = List.of(
        () -> server.participant().reserve(ReserveClientRequest.getDefaultInstance()),
        () -> server.participant().confirm(ConfirmClientRequest.getDefaultInstance()),
        () -> server.participant().cancel(CancelClientRequest.newBuilder()
            .setTxnId("\u0000\u202e").build()),
        () -> server.clients().getClient(GetClientRequest.getDefaultInstance()),
        () -> server.clients().getClientByEmail(GetClientByEmailRequest.newBuilder()
            .setEmail("a@" + "b".repeat(300) + ".com").build()),
        () -> server.participant().reserve(reserve("txn-1", "client-1", "ann@example.com")
            .setName("\u0007bell").setPassword("\ud800broken-surrogate").build()),
        () -> server.participant().reserve(reserve("txn-1", "client-1", "ann@example.com")
            .setName("x".repeat(100_000)).build()));
    for (Executable call : odd) {
      Status.Code code = codeOf(call);
      assertNotEquals(Status.Code.UNKNOWN, code);
      assertNotEquals(Status.Code.INTERNAL, code);
    }
  }

  @Test
  void thePasswordAndItsHashNeverAppearInAnyReply() {
    List<Message> replies = new ArrayList<>();
    replies.add(server.participant().reserve(reserve("txn-1", "client-1", "ann@example.com")
        .build()));
    replies.add(server.participant().confirm(ConfirmClientRequest.newBuilder()
        .setTxnId("txn-1").build()));
    replies.add(getClient("client-1"));
    replies.add(getClientByEmail("ann@example.com"));
    StatusRuntimeException taken = assertThrows(StatusRuntimeException.class,
        () -> reserveClient("txn-2", "client-2", "ann@example.com"));

    for (Message reply : replies) {
      String wire = reply.toByteString().toStringUtf8();
      assertFalse(wire.contains(PASSWORD), reply.toString());
      assertFalse(wire.contains("argon2"), reply.toString());
    }
    assertFalse(String.valueOf(taken.getStatus().getDescription()).contains(PASSWORD));
    assertFalse(String.valueOf(taken.getStatus().getDescription()).contains("argon2"));
  }

  @Test
  void bothServicesReportServing() {
    var health = HealthGrpc.newBlockingStub(server.channel());
    for (String service : List.of("signup.client.v1.ClientService",
        "signup.client.v1.ClientParticipant", "")) {
      assertEquals(ServingStatus.SERVING,
          health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus());
    }
  }

  @Test
  void confirmedClientsSurviveARestart() throws InterruptedException {
    reserveClient("txn-1", "client-1", "ann@example.com");
    Client confirmed = confirm("txn-1");
    reserveClient("txn-2", "client-2", "bob@example.com");
    server.close();

    server = InProcessClientServer.start(ClientServerConfig.defaults(dir.resolve("client.db")),
        Clock.systemUTC());

    assertEquals(confirmed, getClient("client-1"));
    // The pending reservation survived too, and can still be confirmed.
    assertEquals("client-2", confirm("txn-2").getClientId());
  }

  private static List<String> badRequestFields(StatusRuntimeException e)
      throws InvalidProtocolBufferException {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    assertEquals(1, status.getDetailsCount(), "one BadRequest detail");
    return status.getDetails(0).unpack(BadRequest.class).getFieldViolationsList().stream()
        .map(BadRequest.FieldViolation::getField)
        .toList();
  }
}
