package signup.common.domain;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waiting on the futures the participants' domain returns, for the callers that may block. */
public final class Completions {
  private Completions() {}

  /**
   * The value of {@code future}, waiting for it; a failure is thrown as the exception the work
   * threw (a domain exception keeps its type), not wrapped in a {@link CompletionException}.
   */
  public static <T> T await(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      throw unwrap(e);
    }
  }

  /** What failed a future, without the {@link CompletionException} wrappers around it. */
  public static Throwable cause(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * The exception behind a future's failure, as a {@link RuntimeException} to rethrow; an
   * {@link Error} is thrown here.
   */
  public static RuntimeException unwrap(Throwable failure) {
    Throwable cause = cause(failure);
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new IllegalStateException(cause);
  }
}
