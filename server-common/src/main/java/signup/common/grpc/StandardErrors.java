package signup.common.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.domain.FieldViolation;
import signup.common.domain.InvalidInputException;
import signup.common.domain.NotFoundException;
import signup.common.domain.StoreUnavailableException;
import signup.common.domain.OverloadedException;
import signup.common.domain.TooLateException;
import signup.common.domain.TransactionCancelledException;
import signup.common.domain.TransactionOutcomeConflictException;
import signup.common.domain.WriteConflictException;

/**
 * The mapping of the domain exceptions every server shares. A server's own status mapper handles
 * its own exceptions first and hands the rest here, so there is one mapping per exception type.
 */
public final class StandardErrors {
  private static final Logger log = LoggerFactory.getLogger(StandardErrors.class);

  private StandardErrors() {}

  /** Maps the shared exceptions; anything else becomes INTERNAL with no detail on the wire. */
  public static StatusRuntimeException toStatus(Throwable thrown) {
    return known(thrown).orElseGet(() -> {
      log.error("unexpected failure, answered INTERNAL", thrown);
      return Status.INTERNAL.withDescription("internal error").asRuntimeException();
    });
  }

  static Optional<StatusRuntimeException> known(Throwable thrown) {
    if (thrown instanceof StatusRuntimeException status) {
      return Optional.of(status);
    }
    if (thrown instanceof InvalidInputException invalid) {
      return Optional.of(invalidArgument(invalid));
    }
    if (thrown instanceof NotFoundException) {
      return Optional.of(Status.NOT_FOUND.withDescription(thrown.getMessage())
          .asRuntimeException());
    }
    if (thrown instanceof TransactionCancelledException) {
      return Optional.of(Status.ABORTED.withDescription(thrown.getMessage())
          .asRuntimeException());
    }
    if (thrown instanceof TooLateException) {
      // The cause stays on the server (gRPC never sends it): LateCalls counts these by
      // connection.
      return Optional.of(Status.DEADLINE_EXCEEDED.withDescription(thrown.getMessage())
          .withCause(thrown).asRuntimeException());
    }
    if (thrown instanceof StoreUnavailableException store) {
      // Not logged here: the store logs once when it stops taking writes, not once a request.
      Status status = store.reason() == StoreUnavailableException.Reason.OUT_OF_SPACE
          ? Status.RESOURCE_EXHAUSTED : Status.UNAVAILABLE;
      return Optional.of(status.withDescription(thrown.getMessage()).asRuntimeException());
    }
    if (thrown instanceof OverloadedException overloaded) {
      // Not UNAVAILABLE: the server is up and answering, one of its queues is full.
      return Optional.of(overloaded.retryAfter()
          .map(wait -> withRetryInfo(Code.RESOURCE_EXHAUSTED, thrown.getMessage(), wait))
          .orElseGet(() -> Status.RESOURCE_EXHAUSTED.withDescription(thrown.getMessage())
              .asRuntimeException()));
    }
    if (thrown instanceof WriteConflictException) {
      // UNAVAILABLE, the code a caller retries: nothing was written and the store is healthy.
      // Not ABORTED, which the protocol's calls answer for a transaction cancelled for good.
      return Optional.of(withRetryInfo(Code.UNAVAILABLE, thrown.getMessage(),
          WriteConflictException.RETRY_AFTER));
    }
    if (thrown instanceof TransactionOutcomeConflictException) {
      return Optional.of(Status.FAILED_PRECONDITION.withDescription(thrown.getMessage())
          .asRuntimeException());
    }
    return Optional.empty();
  }

  /** {@code code} with a {@code google.rpc.RetryInfo} saying how long to wait before a retry. */
  static StatusRuntimeException withRetryInfo(Code code, String message, Duration wait) {
    RetryInfo retry = RetryInfo.newBuilder()
        .setRetryDelay(com.google.protobuf.Duration.newBuilder()
            .setSeconds(wait.getSeconds())
            .setNanos(wait.getNano()))
        .build();
    return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
        .setCode(code.getNumber())
        .setMessage(message)
        .addDetails(Any.pack(retry))
        .build());
  }

  /** INVALID_ARGUMENT whose message names every field and whose details hold a BadRequest. */
  public static StatusRuntimeException invalidArgument(InvalidInputException invalid) {
    BadRequest.Builder badRequest = BadRequest.newBuilder();
    for (FieldViolation violation : invalid.violations()) {
      badRequest.addFieldViolations(BadRequest.FieldViolation.newBuilder()
          .setField(violation.field())
          .setDescription(violation.description()));
    }
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
        .setCode(Code.INVALID_ARGUMENT_VALUE)
        .setMessage(invalid.getMessage())
        .addDetails(Any.pack(badRequest.build()))
        .build();
    return StatusProto.toStatusRuntimeException(status);
  }
}
