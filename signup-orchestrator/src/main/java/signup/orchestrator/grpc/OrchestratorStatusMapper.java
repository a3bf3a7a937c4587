package signup.orchestrator.grpc;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import signup.common.grpc.ExceptionMapper;
import signup.common.grpc.StandardErrors;
import signup.orchestrator.domain.FailureKind;
import signup.orchestrator.domain.SignupFailedException;
import signup.orchestrator.domain.SignupPendingException;

/**
 * The orchestrator's one mapping from domain failures to gRPC status codes. A failure of a
 * sign-up that exists (aborted, or committed and pending) carries its id in a
 * {@code google.rpc.ErrorInfo} (metadata {@value #SIGNUP_ID}), so that a caller without a
 * request_id can still ask GetSignup how it ended.
 */
public final class OrchestratorStatusMapper implements ExceptionMapper {
  /** ErrorInfo's domain: the service whose reasons these are. */
  static final String DOMAIN = "signup.orchestrator.v1.SignupService";
  static final String SIGNUP_ID = "signup_id";
  /** The sign-up was aborted: nothing was created. */
  static final String ABORTED_REASON = "SIGNUP_ABORTED";
  /** The sign-up committed; it completes in the background. */
  static final String PENDING_REASON = "SIGNUP_PENDING";

  @Override
  public StatusRuntimeException toStatus(Throwable thrown) {
    if (thrown instanceof SignupFailedException failed) {
      return withSignupId(codeOf(failed.kind()), failed.getMessage(), ABORTED_REASON,
          failed.signupId());
    }
    if (thrown instanceof SignupPendingException pending) {
      // DEADLINE_EXCEEDED is the code for "may have completed": here it will, and a retry with
      // the same request_id returns the outcome.
      return withSignupId(Status.Code.DEADLINE_EXCEEDED, pending.getMessage(), PENDING_REASON,
          pending.signupId());
    }
    return StandardErrors.toStatus(thrown);
  }

  /**
   * The code a sign-up aborted for {@code kind} answers with. A participant that did not answer
   * in time is UNAVAILABLE, not DEADLINE_EXCEEDED: the abort is decided and durable, so the
   * outcome is known (nothing was created, a retry may succeed), where DEADLINE_EXCEEDED would
   * say "may have completed". That code is left to what is truly unknown: a sign-up committed
   * but not yet confirmed everywhere, and the caller's own deadline.
   */
  static Status.Code codeOf(FailureKind kind) {
    return switch (kind) {
      case INVALID_INPUT -> Status.Code.INVALID_ARGUMENT;
      case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
      case UNAVAILABLE, DEADLINE_EXCEEDED -> Status.Code.UNAVAILABLE;
      case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
      case ABORTED -> Status.Code.ABORTED;
      case INTERNAL -> Status.Code.INTERNAL;
    };
  }

  private static StatusRuntimeException withSignupId(Status.Code code, String message,
      String reason, String signupId) {
    ErrorInfo info = ErrorInfo.newBuilder()
        .setReason(reason)
        .setDomain(DOMAIN)
        .putMetadata(SIGNUP_ID, signupId)
        .build();
    return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
        .setCode(code.value())
        .setMessage(message)
        .addDetails(Any.pack(info))
        .build());
  }
}
