package signup.orchestrator;

import static signup.orchestrator.BadInput.answered;
import static signup.orchestrator.BadInput.refused;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.Status.Code;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import signup.client.v1.CancelClientRequest;
import signup.client.v1.ClientParticipantGrpc;
import signup.client.v1.ClientServiceGrpc;
import signup.client.v1.ConfirmClientRequest;
import signup.client.v1.GetClientByEmailRequest;
import signup.client.v1.GetClientRequest;
import signup.client.v1.GetPublicKeysRequest;
import signup.client.v1.LoginRequest;
import signup.client.v1.ReserveClientRequest;
import signup.common.grpc.GrpcServerHost;
import signup.common.v1.DeviceType;
import signup.orchestrator.v1.GetSignupRequest;
import signup.orchestrator.v1.ResolveTransactionRequest;
import signup.orchestrator.v1.SignupServiceGrpc;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;
import signup.subscription.v1.CancelSubscriptionRequest;
import signup.subscription.v1.ConfirmSubscriptionRequest;
import signup.subscription.v1.GetSubscriptionRequest;
import signup.subscription.v1.ListPlansRequest;
import signup.subscription.v1.QuotePlanRequest;
import signup.subscription.v1.ReserveSubscriptionRequest;
import signup.subscription.v1.SubscribeRequest;
import signup.subscription.v1.SubscriptionParticipantGrpc;
import signup.subscription.v1.SubscriptionServiceGrpc;

/**
 * Requests no generated stub can send, built byte by byte with {@link CodedOutputStream}: a
 * string field holding bytes that are not UTF-8, a message cut short, a message over the size
 * cap. Every RPC of the system gets each of them.
 */
final class RawBadInputs {
  /** Not UTF-8, each in its own way. */
  private static final Map<String, byte[]> NOT_UTF8 = Map.of(
      "a lone surrogate encoded as UTF-8 (ED A0 80)", HexFormat.of().parseHex("41eda08042"),
      "a byte no UTF-8 text holds (FF)", HexFormat.of().parseHex("41ff42"));

  private RawBadInputs() {}

  /** Every RPC with a valid request: the base each raw request starts from. */
  static List<Map.Entry<MethodDescriptor<?, ?>, Message>> everyRpc() {
    return List.of(
        Map.entry(SignupServiceGrpc.getSignupMethod(),
            SignupSystem.request(OrchestratorBadInputs.newEmail()).toBuilder()
                .setRequestId(OrchestratorBadInputs.newId()).build()),
        Map.entry(SignupServiceGrpc.getGetSignupMethod(),
            GetSignupRequest.newBuilder().setSignupId("s").build()),
        Map.entry(TransactionCoordinatorGrpc.getResolveTransactionMethod(),
            ResolveTransactionRequest.newBuilder().setTxnId("t").build()),
        Map.entry(ClientServiceGrpc.getGetClientMethod(),
            GetClientRequest.newBuilder().setClientId("c").build()),
        Map.entry(ClientServiceGrpc.getGetClientByEmailMethod(),
            GetClientByEmailRequest.newBuilder().setEmail("ada@example.com").build()),
        Map.entry(ClientServiceGrpc.getLoginMethod(), LoginRequest.newBuilder()
            .setEmail("ada@example.com").setPassword(SignupSystem.PASSWORD).build()),
        Map.entry(ClientServiceGrpc.getGetPublicKeysMethod(),
            GetPublicKeysRequest.getDefaultInstance()),
        Map.entry(ClientParticipantGrpc.getReserveMethod(), ReserveClientRequest.newBuilder()
            .setTxnId("t").setClientId("c").setEmail("ada@example.com").setName("Ada")
            .setPassword(SignupSystem.PASSWORD).setRegion("US").setDevice(DeviceType.IOS)
            .build()),
        Map.entry(ClientParticipantGrpc.getConfirmMethod(),
            ConfirmClientRequest.newBuilder().setTxnId("t").build()),
        Map.entry(ClientParticipantGrpc.getCancelMethod(),
            CancelClientRequest.newBuilder().setTxnId("t").build()),
        Map.entry(SubscriptionServiceGrpc.getListPlansMethod(),
            ListPlansRequest.getDefaultInstance()),
        Map.entry(SubscriptionServiceGrpc.getQuotePlanMethod(),
            QuotePlanRequest.newBuilder().setRegion("US").setDevice(DeviceType.IOS).build()),
        Map.entry(SubscriptionServiceGrpc.getGetSubscriptionMethod(),
            GetSubscriptionRequest.newBuilder().setClientId("c").build()),
        Map.entry(SubscriptionServiceGrpc.getSubscribeMethod(),
            SubscribeRequest.newBuilder().setClientId("c").setPlanId("global").build()),
        Map.entry(SubscriptionParticipantGrpc.getReserveMethod(),
            ReserveSubscriptionRequest.newBuilder().setTxnId("t").setClientId("c")
                .setRegion("US").setDevice(DeviceType.IOS).build()),
        Map.entry(SubscriptionParticipantGrpc.getConfirmMethod(),
            ConfirmSubscriptionRequest.newBuilder().setTxnId("t").build()),
        Map.entry(SubscriptionParticipantGrpc.getCancelMethod(),
            CancelSubscriptionRequest.newBuilder().setTxnId("t").build()));
  }

  /**
   * For every string field of every RPC: a valid request whose field holds bytes that are not
   * UTF-8. Protobuf refuses to parse it; the server must say which field is at fault.
   */
  static Stream<BadInput> invalidUtf8() {
    return everyRpc().stream().flatMap(rpc -> {
      MethodDescriptor<?, ?> method = rpc.getKey();
      Message valid = rpc.getValue();
      return valid.getDescriptorForType().getFields().stream()
          .filter(field -> field.getType() == FieldDescriptor.Type.STRING)
          .flatMap(field -> NOT_UTF8.entrySet().stream().sorted(Map.Entry.comparingByKey())
              .map(bytes -> {
                byte[] request = concat(valid.toBuilder().clearField(field).build()
                    .toByteArray(), field(field.getNumber(), bytes.getValue()));
                return refused(name(method) + " with " + field.getName() + " holding "
                    + bytes.getKey(), f -> f.raw(method, request), field.getName());
              }));
    });
  }

  /** For every RPC: a message cut short in the middle of its first field. */
  static Stream<BadInput> truncated() {
    // Field 1, length-delimited, announcing 5 bytes and carrying 1.
    byte[] cut = {0x0A, 0x05, 'a'};
    return everyRpc().stream().map(rpc -> answered(name(rpc.getKey())
        + " with a message cut short", f -> f.raw(rpc.getKey(), cut), Code.INVALID_ARGUMENT,
        "not a valid"));
  }

  /** For every RPC: a valid request grown past the server's cap on message size. */
  static Stream<BadInput> oversized() {
    int size = GrpcServerHost.MAX_INBOUND_MESSAGE_BYTES + 1;
    return everyRpc().stream().map(rpc -> {
      Message valid = rpc.getValue();
      FieldDescriptor firstString = valid.getDescriptorForType().getFields().stream()
          .filter(field -> field.getType() == FieldDescriptor.Type.STRING)
          .findFirst().orElse(null);
      byte[] request = firstString == null
          // No string to grow: an unknown field, which the parser would otherwise skip.
          ? concat(valid.toByteArray(), field(99, new byte[size]))
          : valid.toBuilder().setField(firstString, "x".repeat(size)).build().toByteArray();
      String what = firstString == null ? "an unknown field" : firstString.getName();
      return answered(name(rpc.getKey()) + " with " + what + " of " + size + " bytes",
          f -> f.raw(rpc.getKey(), request), Code.RESOURCE_EXHAUSTED, "exceeds maximum");
    });
  }

  private static String name(MethodDescriptor<?, ?> method) {
    return method.getServiceName().substring(method.getServiceName().lastIndexOf('.') + 1)
        + "." + method.getBareMethodName();
  }

  /** One length-delimited field, the wire form of a string, with any bytes in it. */
  private static byte[] field(int number, byte[] value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeByteArray(number, value);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = new byte[first.length + second.length];
    System.arraycopy(first, 0, both, 0, first.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }
}
