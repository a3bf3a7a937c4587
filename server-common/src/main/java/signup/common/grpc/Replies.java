package signup.common.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import signup.common.domain.Completions;

/** Unary answers from a {@link NonBlockingService}: sent when the work's future completes. */
public final class Replies {
  private Replies() {}

  /**
   * Answers the call once {@code result} completes: with {@code toReply} of its value, or with
   * its failure, which the server's exception mapper turns into a status (see
   * {@link ExceptionMappingInterceptor}). Runs on the thread that completes {@code result}.
   */
  public static <T, R> void when(CompletableFuture<T> result, Function<T, R> toReply,
      StreamObserver<R> response) {
    result.whenComplete((value, failure) -> {
      try {
        if (failure != null) {
          response.onError(Completions.cause(failure));
          return;
        }
        response.onNext(toReply.apply(value));
        response.onCompleted();
      } catch (StatusRuntimeException callerGone) {
        // The call was cancelled (the caller's deadline passed, or it went away) while the work
        // ran: there is nobody to answer. The work itself is durable and idempotent.
      } catch (RuntimeException e) {
        response.onError(e);
      }
    });
  }

  /**
   * One txn's failure within a batch reply, as that txn's status: what {@code mapper} answers a
   * call failing with it, details (a BadRequest) included.
   */
  public static com.google.rpc.Status status(ExceptionMapper mapper, Throwable failure) {
    StatusRuntimeException mapped = mapper.toStatus(failure);
    return StatusProto.fromStatusAndTrailers(mapped.getStatus(), mapped.getTrailers());
  }
}
