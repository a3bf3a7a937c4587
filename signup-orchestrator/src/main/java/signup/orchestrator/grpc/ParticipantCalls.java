package signup.orchestrator.grpc;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Status;
import io.grpc.stub.AbstractStub;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import signup.orchestrator.domain.FailureKind;
import signup.orchestrator.domain.ParticipantException;

/** Turns a participant's gRPC reply into a future the domain understands. */
final class ParticipantCalls {
  private ParticipantCalls() {}

  /**
   * The stub with its replies delivered on the transport's own thread rather than handed to
   * the channel's executor: one thread switch less per call (four per sign-up), which shows on
   * two cores. Safe because all a reply does here is complete a future, and nothing that
   * depends on these futures blocks: the request threads wait on them with join().
   */
  static <S extends AbstractStub<S>> S repliesOnTransportThread(S stub) {
    return stub.withExecutor(MoreExecutors.directExecutor());
  }

  static <R, T> CompletableFuture<T> call(String participant, ListenableFuture<R> reply,
      Function<R, T> convert) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Futures.addCallback(reply, new FutureCallback<>() {
      @Override
      public void onSuccess(R value) {
        try {
          result.complete(convert.apply(value));
        } catch (RuntimeException e) {
          result.completeExceptionally(new ParticipantException(FailureKind.INTERNAL, false,
              participant + " answered something unreadable: " + e.getMessage(), e));
        }
      }

      @Override
      public void onFailure(Throwable t) {
        result.completeExceptionally(classify(participant, Status.fromThrowable(t), t));
      }
    }, MoreExecutors.directExecutor());
    return result;
  }

  /**
   * Definite refusals are final; everything that may go away by itself (down, slow, overloaded,
   * a crash mid-call) may be retried, because every participant call is idempotent.
   */
  static ParticipantException classify(String participant, Status status, Throwable cause) {
    String detail = status.getDescription() == null ? status.getCode().name()
        : status.getDescription();
    return switch (status.getCode()) {
      case ALREADY_EXISTS -> new ParticipantException(FailureKind.ALREADY_EXISTS, false, detail,
          cause);
      case INVALID_ARGUMENT -> new ParticipantException(FailureKind.INVALID_INPUT, false, detail,
          cause);
      case ABORTED -> new ParticipantException(FailureKind.ABORTED, false,
          participant + ": " + detail, cause);
      case FAILED_PRECONDITION, NOT_FOUND -> new ParticipantException(FailureKind.INTERNAL,
          false, participant + ": " + detail, cause);
      case DEADLINE_EXCEEDED -> new ParticipantException(FailureKind.DEADLINE_EXCEEDED, true,
          participant + " did not answer in time", cause);
      // UNKNOWN too: gRPC reports a connection that drops mid-call as UNKNOWN "channel closed"
      // (it cannot tell whether the call got through), and the participants never answer
      // UNKNOWN themselves, so it means the participant went away (found by the crash harness:
      // a participant killed mid-reserve made the sign-up answer INTERNAL).
      case UNAVAILABLE, CANCELLED, UNKNOWN -> new ParticipantException(
          FailureKind.UNAVAILABLE, true, participant + " is unavailable: " + detail, cause);
      // Passed on as such, with the participant's reason (its disk is full): the caller's
      // answer must say what to wait for, not that a participant failed.
      case RESOURCE_EXHAUSTED -> new ParticipantException(FailureKind.RESOURCE_EXHAUSTED, true,
          participant + ": " + detail, cause);
      default -> new ParticipantException(FailureKind.INTERNAL, true,
          participant + " failed: " + status.getCode() + " " + detail, cause);
    };
  }
}
