package signup.client.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import signup.client.domain.EmailTakenException;
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
    return StandardErrors.toStatus(thrown);
  }
}
