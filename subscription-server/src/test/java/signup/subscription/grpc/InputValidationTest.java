package signup.subscription.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static signup.subscription.grpc.GrpcAssertions.assertStatus;

import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import signup.common.v1.DeviceType;
import signup.subscription.InProcessSubscriptionServer;
import signup.subscription.v1.CancelSubscriptionRequest;
import signup.subscription.v1.ConfirmSubscriptionRequest;
import signup.subscription.v1.GetSubscriptionRequest;
import signup.subscription.v1.QuotePlanRequest;
import signup.subscription.v1.ReserveSubscriptionRequest;
import signup.subscription.v1.SubscribeRequest;

/** Bad input: INVALID_ARGUMENT naming every bad field, in the details and the message. */
class InputValidationTest {
  @TempDir
  Path dir;

  private InProcessSubscriptionServer server;

  @BeforeEach
  void start() {
    server = new InProcessSubscriptionServer(dir.resolve("subscription.db"));
  }

  @AfterEach
  void stop() throws InterruptedException {
    server.close();
  }

  private static ReserveSubscriptionRequest.Builder goodReserve() {
    return ReserveSubscriptionRequest.newBuilder()
        .setTxnId("txn-1").setClientId("client-1").setRegion("US").setDevice(DeviceType.IOS);
  }

  static Stream<Arguments> oneBadField() {
    return Stream.of(
        bad("Reserve without txn_id", "txn_id",
            s -> s.participant.reserve(goodReserve().setTxnId("").build())),
        bad("Reserve with a txn_id holding a space", "txn_id",
            s -> s.participant.reserve(goodReserve().setTxnId("txn 1").build())),
        bad("Reserve with a txn_id too long", "txn_id",
            s -> s.participant.reserve(goodReserve().setTxnId("t".repeat(129)).build())),
        bad("Reserve without client_id", "client_id",
            s -> s.participant.reserve(goodReserve().setClientId("").build())),
        bad("Reserve without region", "region",
            s -> s.participant.reserve(goodReserve().setRegion("").build())),
        bad("Reserve from region ZZ", "region",
            s -> s.participant.reserve(goodReserve().setRegion("ZZ").build())),
        bad("Reserve from region USA", "region",
            s -> s.participant.reserve(goodReserve().setRegion("USA").build())),
        bad("Reserve without device", "device",
            s -> s.participant.reserve(
                goodReserve().setDevice(DeviceType.DEVICE_TYPE_UNSPECIFIED).build())),
        bad("Reserve from a device this build does not know", "device",
            s -> s.participant.reserve(goodReserve().setDeviceValue(42).build())),
        bad("Confirm without txn_id", "txn_id",
            s -> s.participant.confirm(ConfirmSubscriptionRequest.getDefaultInstance())),
        bad("Cancel without txn_id", "txn_id",
            s -> s.participant.cancel(CancelSubscriptionRequest.getDefaultInstance())),
        bad("QuotePlan from region XX", "region",
            s -> s.service.quotePlan(QuotePlanRequest.newBuilder()
                .setRegion("XX").setDevice(DeviceType.WEB).build())),
        bad("QuotePlan without device", "device",
            s -> s.service.quotePlan(QuotePlanRequest.newBuilder().setRegion("US").build())),
        bad("GetSubscription without client_id", "client_id",
            s -> s.service.getSubscription(GetSubscriptionRequest.getDefaultInstance())),
        bad("Subscribe without client_id", "client_id",
            s -> s.service.subscribe(SubscribeRequest.newBuilder().setPlanId("global").build())),
        bad("Subscribe without plan_id", "plan_id",
            s -> s.service.subscribe(SubscribeRequest.newBuilder().setClientId("c-1").build())));
  }

  private static Arguments bad(String name, String field,
      Consumer<InProcessSubscriptionServer> call) {
    return Arguments.of(name, field, call);
  }

  @ParameterizedTest(name = "{0}: {1} is named")
  @MethodSource("oneBadField")
  void eachBadFieldIsNamedInTheDetailsAndTheMessage(String name, String field,
      Consumer<InProcessSubscriptionServer> call) {
    StatusRuntimeException e =
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> call.accept(server));

    assertEquals(List.of(field), badFields(e));
    assertTrue(e.getStatus().getDescription().startsWith(field + ": "), e.getMessage());
    assertEquals(0, server.rows.count("txn_barrier"));
  }

  @Test
  void everyBadReserveFieldIsReportedAtOnceAndNothingIsWritten() {
    StatusRuntimeException e = assertStatus(Status.Code.INVALID_ARGUMENT,
        () -> server.participant.reserve(ReserveSubscriptionRequest.newBuilder()
            .setTxnId("txn-1").setClientId("has space").setRegion("ZZ").build()));

    assertEquals(List.of("client_id", "region", "device"), badFields(e));
    String message = e.getStatus().getDescription();
    assertTrue(message.contains("client_id: ") && message.contains("region: unknown code ZZ")
        && message.contains("device: "), message);
    assertEquals(0, server.rows.count("subscriptions"));
    assertEquals(0, server.rows.count("txn_barrier"));
  }

  @Test
  void everyBadSubscribeFieldIsReportedAtOnce() {
    StatusRuntimeException e = assertStatus(Status.Code.INVALID_ARGUMENT,
        () -> server.service.subscribe(SubscribeRequest.getDefaultInstance()));

    assertEquals(List.of("client_id", "plan_id"), badFields(e));
  }

  private static List<String> badFields(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    try {
      return status.getDetails(0).unpack(BadRequest.class).getFieldViolationsList().stream()
          .map(BadRequest.FieldViolation::getField)
          .toList();
    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
      throw new AssertionError("details are not a BadRequest", ex);
    }
  }
}
