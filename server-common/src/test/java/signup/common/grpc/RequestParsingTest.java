package signup.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.rpc.BadRequest;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import signup.orchestrator.v1.Decision;
import signup.orchestrator.v1.ResolveTransactionResponse;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;

/** Requests that do not parse, sent as raw bytes to a host: INVALID_ARGUMENT, never UNKNOWN. */
class RequestParsingTest {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor
      .Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
  private static final MethodDescriptor<byte[], byte[]> RESOLVE =
      TransactionCoordinatorGrpc.getResolveTransactionMethod().toBuilder(BYTES, BYTES).build();

  private final ScriptedCoordinator service = new ScriptedCoordinator(
      txnId -> ResolveTransactionResponse.newBuilder().setDecision(Decision.ABORT).build());
  private GrpcServerHost host;
  private ManagedChannel channel;

  @BeforeEach
  void start() {
    String name = InProcessServerBuilder.generateName();
    host = new GrpcServerHost("test", InProcessServerBuilder.forName(name), List.of(service),
        StandardErrors::toStatus, List.of(), List.of(), Duration.ofSeconds(5)).start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    host.close();
  }

  @Test
  void aStringFieldHoldingBytesThatAreNotUtf8IsInvalidArgumentNamingTheField() {
    // Field 1 (txn_id), 3 bytes: "a", then FF, which no UTF-8 text holds.
    StatusRuntimeException e = call("0a03" + "61ff62");

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("txn_id: not valid UTF-8", e.getStatus().getDescription());
    assertEquals(List.of("txn_id"), badRequestFields(e));
    assertEquals(List.of(), service.asked, "the service never saw it");
  }

  @Test
  void bytesThatAreNotProtobufAreInvalidArgumentNamingTheMessageType() {
    // Field 1, announcing 5 bytes and carrying 1.
    StatusRuntimeException e = call("0a0561");

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("the request is not a valid "
        + "signup.orchestrator.v1.ResolveTransactionRequest message",
        e.getStatus().getDescription());
  }

  @Test
  void aValidRequestSentAsBytesIsAnsweredAsUsual() throws Exception {
    byte[] reply = ClientCalls.blockingUnaryCall(channel, RESOLVE,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
        HexFormat.of().parseHex("0a0174"));

    assertEquals(Decision.ABORT, ResolveTransactionResponse.parseFrom(reply).getDecision());
    assertEquals(List.of("t"), service.asked);
  }

  private StatusRuntimeException call(String hex) {
    return assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
        channel, RESOLVE, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
        HexFormat.of().parseHex(hex)));
  }

  private static List<String> badRequestFields(StatusRuntimeException e) {
    try {
      return StatusProto.fromThrowable(e).getDetails(0).unpack(BadRequest.class)
          .getFieldViolationsList().stream()
          .map(BadRequest.FieldViolation::getField)
          .toList();
    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
      throw new AssertionError("the details are not a BadRequest", ex);
    }
  }
}
