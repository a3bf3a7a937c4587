package signup.orchestrator.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.fault.CrashPoint;
import signup.common.fault.CrashPoints;

/**
 * Confirms or cancels on every participant, retrying with jittered exponential backoff until
 * each one acknowledges or the budget runs out. Whatever is left is finished by recovery.
 */
final class SecondPhase {
  private static final Logger log = LoggerFactory.getLogger(SecondPhase.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

  private final List<Participant> participants;
  private final InstantSource clock;
  private final CrashPoints crashPoints;

  SecondPhase(List<Participant> participants, InstantSource clock, CrashPoints crashPoints) {
    this.participants = List.copyOf(participants);
    this.clock = clock;
    this.crashPoints = crashPoints;
  }

  /** True when every participant confirmed within {@code budget}. */
  boolean confirmAll(String txnId, Duration budget) {
    return awaitAll(txnId, budget, "confirm", confirm(txnId), firstConfirms(txnId));
  }

  /**
   * {@link #confirmAll} without holding a thread while the first attempts are out: when both
   * acknowledge (nearly always) the future completes on the thread of the last reply; only when
   * one fails do the retries, which back off and so wait, move to {@code retries}.
   */
  CompletableFuture<Boolean> confirmAll(String txnId, Duration budget, Executor retries) {
    Instant giveUp = clock.instant().plus(budget);
    List<CompletableFuture<Void>> first = firstConfirms(txnId);
    // Not exceptionallyAsync: it hands even a success to the executor, a thread switch per
    // sign-up for nothing.
    return CompletableFuture.allOf(first.toArray(CompletableFuture[]::new))
        .handle((all, failure) -> failure == null ? CompletableFuture.completedFuture(true)
            : CompletableFuture.supplyAsync(
                () -> awaitAll(txnId, giveUp, "confirm", confirm(txnId), first), retries))
        .thenCompose(outcome -> outcome);
  }

  /** True when every participant cancelled within {@code budget}. */
  boolean cancelAll(String txnId, Duration budget) {
    Function<Participant, CompletableFuture<Void>> cancel = p -> p.cancel(txnId);
    return awaitAll(txnId, budget, "cancel", cancel,
        participants.stream().map(cancel).toList());
  }

  private static Function<Participant, CompletableFuture<Void>> confirm(String txnId) {
    return p -> p.confirm(txnId);
  }

  /**
   * The first confirms, sent together. The crash point after the first acknowledgement is part
   * of each future, so nothing waiting on them (DONE) can run before it is reached.
   */
  private List<CompletableFuture<Void>> firstConfirms(String txnId) {
    AtomicBoolean acknowledged = new AtomicBoolean();
    return participants.stream()
        .map(p -> p.confirm(txnId).thenRun(() -> {
          if (acknowledged.compareAndSet(false, true)) {
            crashPoints.reach(CrashPoint.ORCHESTRATOR_AFTER_FIRST_CONFIRM);
          }
        }))
        .toList();
  }

  private boolean awaitAll(String txnId, Duration budget, String action,
      Function<Participant, CompletableFuture<Void>> call, List<CompletableFuture<Void>> first) {
    return awaitAll(txnId, clock.instant().plus(budget), action, call, first);
  }

  /** Awaits each first attempt in turn, retrying the failed ones one participant at a time. */
  private boolean awaitAll(String txnId, Instant giveUp, String action,
      Function<Participant, CompletableFuture<Void>> call, List<CompletableFuture<Void>> first) {
    boolean all = true;
    for (int i = 0; i < participants.size(); i++) {
      all &= awaitOrRetry(txnId, participants.get(i), action, call, first.get(i), giveUp);
    }
    return all;
  }

  private boolean awaitOrRetry(String txnId, Participant participant, String action,
      Function<Participant, CompletableFuture<Void>> call, CompletableFuture<Void> attempt,
      Instant giveUp) {
    Duration backoff = FIRST_BACKOFF;
    for (int attempts = 1; ; attempts++) {
      try {
        attempt.join();
        return true;
      } catch (CompletionException e) {
        ParticipantException failure = unwrap(e);
        if (!failure.retryable()) {
          // Only a protocol violation gets here (confirm of a cancelled txn or the reverse):
          // retrying cannot help, and the participant has logged it too.
          log.error("txn_id={} {} on {} refused for good: {}", txnId, action,
              participant.name(), failure.getMessage());
          return false;
        }
        if (clock.instant().plus(backoff).isAfter(giveUp)) {
          log.warn("txn_id={} {} on {} not acknowledged after {} attempts ({}); left to recovery",
              txnId, action, participant.name(), attempts, failure.getMessage());
          return false;
        }
        log.debug("txn_id={} {} on {} failed (attempt {}): {}", txnId, action,
            participant.name(), attempts, failure.getMessage());
        long halfBackoff = backoff.toNanos() / 2;
        LockSupport.parkNanos(halfBackoff + ThreadLocalRandom.current().nextLong(halfBackoff + 1));
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
            ? MAX_BACKOFF : backoff.multipliedBy(2);
        attempt = call.apply(participant);
      }
    }
  }

  static ParticipantException unwrap(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof ParticipantException participant) {
      return participant;
    }
    return new ParticipantException(FailureKind.INTERNAL, true,
        "unexpected failure: " + cause, cause);
  }
}
