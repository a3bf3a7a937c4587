package signup.orchestrator;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/** The details of a status a caller would decode. */
public final class ErrorDetails {
  private ErrorDetails() {}

  /** The status's {@code google.rpc.ErrorInfo}; fails the test when there is none. */
  public static ErrorInfo errorInfo(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      throw new AssertionError("no details in " + e.getStatus());
    }
    return status.getDetailsList().stream()
        .filter(any -> any.is(ErrorInfo.class))
        .map(any -> {
          try {
            return any.unpack(ErrorInfo.class);
          } catch (InvalidProtocolBufferException bad) {
            throw new IllegalStateException(bad);
          }
        })
        .findFirst().orElseThrow(() -> new AssertionError("no ErrorInfo in " + e.getStatus()));
  }

  /** The id of the sign-up a failed Signup names in its ErrorInfo. */
  public static String signupId(StatusRuntimeException e) {
    return errorInfo(e).getMetadataOrThrow("signup_id");
  }
}
