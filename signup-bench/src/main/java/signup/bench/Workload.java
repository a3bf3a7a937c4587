package signup.bench;

import java.util.concurrent.CompletableFuture;

/** One kind of operation a benchmark repeats: a sign-up over gRPC, or its local equivalent. */
interface Workload {
  /** Starts one operation; the future completes once it is done (durably) or has failed. */
  CompletableFuture<?> start();

  /** A short name for a failure, counted in the report (a gRPC status code, say). */
  String classify(Throwable failure);
}
