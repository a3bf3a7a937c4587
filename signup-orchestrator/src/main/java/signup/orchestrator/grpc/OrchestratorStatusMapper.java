package signup.orchestrator.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import signup.common.grpc.ExceptionMapper;
import signup.common.grpc.StandardErrors;
import signup.orchestrator.domain.FailureKind;
import signup.orchestrator.domain.SignupFailedException;
import signup.orchestrator.domain.SignupPendingException;

/** The orchestrator's one mapping from domain failures to gRPC status codes. */
public final class OrchestratorStatusMapper implements ExceptionMapper {
  @Override
  public StatusRuntimeException toStatus(Throwable thrown) {
    if (thrown instanceof SignupFailedException failed) {
      return codeOf(failed.kind()).toStatus().withDescription(failed.getMessage())
          .asRuntimeException();
    }
    if (thrown instanceof SignupPendingException) {
      // DEADLINE_EXCEEDED is the code for "may have completed": here it will, and a retry with
      // the same request_id returns the outcome.
      return Status.DEADLINE_EXCEEDED.withDescription(thrown.getMessage()).asRuntimeException();
    }
    return StandardErrors.toStatus(thrown);
  }

  static Status.Code codeOf(FailureKind kind) {
    return switch (kind) {
      case INVALID_INPUT -> Status.Code.INVALID_ARGUMENT;
      case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
      case UNAVAILABLE -> Status.Code.UNAVAILABLE;
      case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
      case DEADLINE_EXCEEDED -> Status.Code.DEADLINE_EXCEEDED;
      case ABORTED -> Status.Code.ABORTED;
      case INTERNAL -> Status.Code.INTERNAL;
    };
  }
}
