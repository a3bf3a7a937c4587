package signup.bench;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** One kind of operation a benchmark repeats: a sign-up over gRPC, or its local equivalent. */
interface Workload {
  /** Starts one operation; the future completes once it is done (durably) or has failed. */
  CompletableFuture<?> start();

  /** A short name for a failure, counted in the report (a gRPC status code, say). */
  String classify(Throwable failure);

  /**
   * When {@code failure} is a refusal (the system said "not now, come back later" before doing
   * anything): how long its caller waits before its next call. Empty for any other failure.
   */
  default Optional<Duration> refusal(Throwable failure) {
    return Optional.empty();
  }

  /**
   * Whether an operation that ended after {@code latencyNanos}, with {@code failure} (null when
   * it succeeded), was answered after its deadline.
   */
  default boolean late(Throwable failure, long latencyNanos) {
    return false;
  }
}
