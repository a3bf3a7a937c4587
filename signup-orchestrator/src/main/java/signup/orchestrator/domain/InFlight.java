package signup.orchestrator.domain;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The sign-ups this process is driving right now, so that a replayed request waits for the
 * running one instead of polling, and recovery leaves them to their request thread.
 */
final class InFlight {
  private final ConcurrentMap<String, CompletableFuture<SignupRecord>> running =
      new ConcurrentHashMap<>();

  CompletableFuture<SignupRecord> begin(String txnId) {
    CompletableFuture<SignupRecord> outcome = new CompletableFuture<>();
    running.put(txnId, outcome);
    return outcome;
  }

  void end(String txnId) {
    running.remove(txnId);
  }

  boolean contains(String txnId) {
    return running.containsKey(txnId);
  }

  Optional<CompletableFuture<SignupRecord>> find(String txnId) {
    return Optional.ofNullable(running.get(txnId));
  }
}
