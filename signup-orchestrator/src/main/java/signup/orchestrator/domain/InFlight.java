package signup.orchestrator.domain;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sign-ups this process is driving right now, at most {@link AdmissionLimit}'s current
 * limit of them: so that a flood is refused rather than started, a replayed request waits for
 * the running one instead of polling, and recovery leaves them to their request. How long each
 * takes is what the limit adapts to.
 */
final class InFlight {
  private final AdmissionLimit limit;
  private final AtomicInteger count = new AtomicInteger();
  private final ConcurrentMap<String, Running> running = new ConcurrentHashMap<>();

  private record Running(CompletableFuture<SignupRecord> outcome, long startNanos,
      long admittedInCut) {}

  InFlight(AdmissionLimit limit) {
    this.limit = limit;
  }

  /** The outcome to complete, or empty when as many as the limit are in flight already. */
  Optional<CompletableFuture<SignupRecord>> tryBegin(String txnId) {
    if (count.incrementAndGet() > limit.current()) {
      count.decrementAndGet();
      return Optional.empty();
    }
    CompletableFuture<SignupRecord> outcome = new CompletableFuture<>();
    running.put(txnId, new Running(outcome, System.nanoTime(), limit.cuts()));
    return Optional.of(outcome);
  }

  /**
   * @param overloaded whether a participant refused it for overload or did not answer in time
   */
  void end(String txnId, boolean overloaded) {
    Running ended = remove(txnId);
    if (ended != null) {
      limit.finished(ended.admittedInCut(), System.nanoTime() - ended.startNanos(), overloaded);
    }
  }

  /** Ends a sign-up whose time tells nothing of a queue (a replay waiting for the first). */
  void endUnmeasured(String txnId) {
    remove(txnId);
  }

  /** The sign-up's entry, no longer counted; null when it had ended already. */
  private Running remove(String txnId) {
    Running ended = running.remove(txnId);
    if (ended != null) {
      count.decrementAndGet();
    }
    return ended;
  }

  /** How many it admits right now. */
  int limit() {
    return limit.current();
  }

  /** How long a sign-up takes now, smoothed; zero before the first. */
  Duration typicalDuration() {
    return Duration.ofNanos(limit.typicalNanos());
  }

  /** How many are under way right now. */
  int count() {
    return count.get();
  }

  boolean contains(String txnId) {
    return running.containsKey(txnId);
  }

  Optional<CompletableFuture<SignupRecord>> find(String txnId) {
    return Optional.ofNullable(running.get(txnId)).map(Running::outcome);
  }
}
