package signup.common.grpc;

import io.grpc.StatusRuntimeException;

/** Turns whatever a service threw into the status (and trailers) the caller receives. */
@FunctionalInterface
public interface ExceptionMapper {
  StatusRuntimeException toStatus(Throwable thrown);
}
