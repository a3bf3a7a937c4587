package signup.orchestrator.domain;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sign-ups this process is driving right now, at most a bound of them: so that a flood is
 * refused rather than started, a replayed request waits for the running one instead of
 * polling, and recovery leaves them to their request.
 */
final class InFlight {
  private final int max;
  private final AtomicInteger count = new AtomicInteger();
  private final ConcurrentMap<String, CompletableFuture<SignupRecord>> running =
      new ConcurrentHashMap<>();

  InFlight(int max) {
    this.max = max;
  }

  /** The outcome to complete, or empty when {@code max} sign-ups are in flight already. */
  Optional<CompletableFuture<SignupRecord>> tryBegin(String txnId) {
    if (count.incrementAndGet() > max) {
      count.decrementAndGet();
      return Optional.empty();
    }
    CompletableFuture<SignupRecord> outcome = new CompletableFuture<>();
    running.put(txnId, outcome);
    return Optional.of(outcome);
  }

  void end(String txnId) {
    if (running.remove(txnId) != null) {
      count.decrementAndGet();
    }
  }

  int max() {
    return max;
  }

  boolean contains(String txnId) {
    return running.containsKey(txnId);
  }

  Optional<CompletableFuture<SignupRecord>> find(String txnId) {
    return Optional.ofNullable(running.get(txnId));
  }
}
