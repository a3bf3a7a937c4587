package signup.client.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import signup.client.domain.EmailTakenException;
import signup.client.domain.TooManyLoginFailuresException;
import signup.client.domain.WrongCredentialsException;
import signup.common.grpc.ExceptionMapper;
import signup.common.grpc.StandardErrors;

/** This server's domain exceptions to statuses; the shared ones are left to StandardErrors. */
public final class ClientStatusMapper implements ExceptionMapper {
  @Override
  public StatusRuntimeException toStatus(Throwable thrown) {
    if (thrown instanceof EmailTakenException) {
      return Status.ALREADY_EXISTS.withDescription("email: already registered")
          .asRuntimeException();
    }
    if (thrown instanceof WrongCredentialsException) {
      return Status.UNAUTHENTICATED.withDescription(thrown.getMessage()).asRuntimeException();
    }
    if (thrown instanceof TooManyLoginFailuresException throttled) {
      long millis = Math.max(1_000, throttled.retryAfter().toMillis());
      RetryInfo retry = RetryInfo.newBuilder()
          .setRetryDelay(Duration.newBuilder().setSeconds(millis / 1_000)
              .setNanos((int) (millis % 1_000) * 1_000_000))
          .build();
      return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
          .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
          .setMessage(thrown.getMessage())
          .addDetails(Any.pack(retry))
          .build());
    }
    return StandardErrors.toStatus(thrown);
  }
}
