package signup.orchestrator.grpc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

/**
 * The confirms to one participant, grouped as the database writer groups its commits: while a
 * call is out, the confirms that come meanwhile wait, and when it returns they all leave as one
 * call (at most {@code maxBatch}; the rest with the next). With none out, a confirm leaves at
 * once. So a lone sign-up waits for no company and no timer, and under load the calls per
 * sign-up fall with the number of commits that complete together (about 4 per fsync at 64 in
 * flight, BENCHMARKS.md).
 *
 * <p>Nothing here blocks: the next call leaves from the thread of the reply that ends the one
 * before, and the lock guards the queue only, never a call.
 *
 * @param <T> what a confirm answers
 */
final class ConfirmBatcher<T> {
  /** Sends the confirms of one batch as one call. */
  @FunctionalInterface
  interface Send<T> {
    /**
     * @param txnIds one or more
     * @return one answer per txn, in their order; the call is over once all are complete
     */
    List<CompletableFuture<T>> send(List<String> txnIds);
  }

  private final int maxBatch;
  private final Send<T> send;
  private final IntConsumer batchSizes;
  private final Queue<Waiting<T>> queue = new ArrayDeque<>();
  /** True while a call is out (or leaving): a confirm that comes meanwhile waits for it. */
  private boolean sending;

  /** @param batchSizes told the size of every batch sent (a metric) */
  ConfirmBatcher(int maxBatch, Send<T> send, IntConsumer batchSizes) {
    this.maxBatch = maxBatch;
    this.send = send;
    this.batchSizes = batchSizes;
  }

  /** Confirms {@code txnId} with the next call; completes as that call answers it. */
  CompletableFuture<T> confirm(String txnId) {
    Waiting<T> waiting = new Waiting<>(txnId, new CompletableFuture<>());
    synchronized (this) {
      queue.add(waiting);
      if (sending) {
        return waiting.answer();
      }
      sending = true;
    }
    sendQueued();
    return waiting.answer();
  }

  /**
   * Sends what waits, one call at a time, until nothing does. A call that is still out when sent
   * takes the loop over from its reply; one answered at once (a fake in a test, a failure before
   * the wire) lets the loop go on here rather than recurse.
   */
  private void sendQueued() {
    while (true) {
      List<Waiting<T>> batch = new ArrayList<>();
      synchronized (this) {
        while (batch.size() < maxBatch && !queue.isEmpty()) {
          batch.add(queue.poll());
        }
        if (batch.isEmpty()) {
          sending = false;
          return;
        }
      }
      CompletableFuture<Void> over = sendBatch(batch);
      if (!over.isDone()) {
        over.whenComplete((ignored, failure) -> sendQueued());
        return;
      }
    }
  }

  /** Sends one batch; the future completes (never exceptionally) once its call is over. */
  private CompletableFuture<Void> sendBatch(List<Waiting<T>> batch) {
    batchSizes.accept(batch.size());
    List<CompletableFuture<T>> answers;
    try {
      answers = send.send(batch.stream().map(Waiting::txnId).toList());
    } catch (RuntimeException e) {
      batch.forEach(waiting -> waiting.answer().completeExceptionally(e));
      return CompletableFuture.completedFuture(null);
    }
    for (int i = 0; i < batch.size(); i++) {
      pass(answers.get(i), batch.get(i).answer());
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .handle((ignored, failure) -> null);
  }

  /** Completes {@code to} as {@code from} completes. */
  static <T> void pass(CompletableFuture<T> from, CompletableFuture<T> to) {
    from.whenComplete((value, failure) -> {
      if (failure == null) {
        to.complete(value);
      } else {
        to.completeExceptionally(failure);
      }
    });
  }

  private record Waiting<T>(String txnId, CompletableFuture<T> answer) {}
}
