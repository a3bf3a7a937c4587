package signup.client.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static signup.client.InProcessClientServer.PASSWORD;
import static signup.client.InProcessClientServer.reserveRequest;

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
import signup.client.v1.ConfirmClientRequest;
import signup.client.v1.GetClientByEmailRequest;
import signup.client.v1.GetClientRequest;
import signup.client.v1.ReserveClientRequest;
import signup.common.v1.DeviceType;

/** What the server answers to bad or odd input, and what its replies never carry. */
class ClientInputGrpcTest {
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

  static Stream<Arguments> badFields() {
    return Stream.of(
        Arguments.of("txn_id", reserveRequest("", "client-1", "ann@example.com")),
        Arguments.of("txn_id", reserveRequest("txn with spaces", "client-1", "ann@example.com")),
        Arguments.of("client_id", reserveRequest("txn-1", "", "ann@example.com")),
        Arguments.of("client_id", reserveRequest("txn-1", "x".repeat(129), "ann@example.com")),
        Arguments.of("email", reserveRequest("txn-1", "client-1", "ann@")),
        Arguments.of("email", reserveRequest("txn-1", "client-1", "")),
        Arguments.of("name", reserveRequest("txn-1", "client-1", "ann@example.com").setName(" ")),
        Arguments.of("name",
            reserveRequest("txn-1", "client-1", "ann@example.com").setName("n".repeat(201))),
        Arguments.of("password",
            reserveRequest("txn-1", "client-1", "ann@example.com").setPassword("short")),
        Arguments.of("region",
            reserveRequest("txn-1", "client-1", "ann@example.com").setRegion("ZZ")),
        Arguments.of("device", reserveRequest("txn-1", "client-1", "ann@example.com")
            .setDevice(DeviceType.DEVICE_TYPE_UNSPECIFIED)),
        Arguments.of("device", reserveRequest("txn-1", "client-1", "ann@example.com")
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
    assertEquals("client-1", server.reserve("txn-1", "client-1", "ann@example.com")
        .getClientId());
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
        () -> server.getClient(""));
    assertEquals(Status.Code.INVALID_ARGUMENT, noId.getStatus().getCode());
    assertEquals(List.of("client_id"), badRequestFields(noId));

    StatusRuntimeException noEmail = assertThrows(StatusRuntimeException.class,
        () -> server.getClientByEmail(""));
    assertEquals(Status.Code.INVALID_ARGUMENT, noEmail.getStatus().getCode());
    assertEquals(List.of("email"), badRequestFields(noEmail));

    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> server.getClient("client-unknown")));
    assertEquals(Status.Code.NOT_FOUND,
        codeOf(() -> server.getClientByEmail("nobody@example.com")));
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
        () -> server.participant().reserve(reserveRequest("txn-1", "client-1", "ann@example.com")
            .setName("\u0007bell").setPassword("\ud800broken-surrogate").build()),
        () -> server.participant().reserve(reserveRequest("txn-1", "client-1", "ann@example.com")
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
    replies.add(server.participant().reserve(
        reserveRequest("txn-1", "client-1", "ann@example.com").build()));
    replies.add(server.participant().confirm(ConfirmClientRequest.newBuilder()
        .setTxnId("txn-1").build()));
    replies.add(server.getClient("client-1"));
    replies.add(server.getClientByEmail("ann@example.com"));
    StatusRuntimeException taken = assertThrows(StatusRuntimeException.class,
        () -> server.reserve("txn-2", "client-2", "ann@example.com"));

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

  private static Status.Code codeOf(Executable call) {
    return assertThrows(StatusRuntimeException.class, call).getStatus().getCode();
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
