package signup.orchestrator.domain;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.fault.CrashPoint;
import signup.common.fault.CrashPoints;

/**
 * Confirms or cancels on every participant. A call that fails in a way that may go away (down,
 * slow, overloaded) is retried by a declared policy, jittered exponential backoff, whose waits
 * are timers on a scheduler: no thread is held while a retry waits, so the scheduler's one
 * thread serves every retry in flight, however many participants are away for however long.
 * A first attempt that succeeds never touches the scheduler: its future completes on the
 * thread of the reply.
 *
 * <p>Failsafe rather than gRPC's service-config {@code retryPolicy}: gRPC caps a call at five
 * attempts, all within the one call's deadline, while a COMMITTING txn must be confirmed however
 * long a participant is away; and the domain, which owns that rule, knows no gRPC.
 */
final class SecondPhase {
  private static final Logger log = LoggerFactory.getLogger(SecondPhase.class);
  static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
  /** Each wait is its backoff +-25%, so the retries of a burst of txns do not stay in step. */
  private static final double JITTER = 0.25;

  /**
   * Retries of a call that may succeed later; a definite refusal (a protocol violation:
   * confirm of a cancelled txn) ends them, since retrying cannot help. Without an end of its
   * own: a confirm is retried until acknowledged, a cancel gets a budget on top.
   */
  private static final RetryPolicy<Object> RETRIES = RetryPolicy.builder()
      .handleIf(failure -> unwrap(failure).retryable())
      .withBackoff(FIRST_BACKOFF, MAX_BACKOFF)
      .withJitter(JITTER)
      .withMaxRetries(-1)
      .build();

  private final List<Participant> participants;
  private final DownParticipants down;
  private final ScheduledExecutorService scheduler;
  private final CrashPoints crashPoints;

  /** @param scheduler where retries wait and are sent from; nothing on it may block */
  SecondPhase(List<Participant> participants, ScheduledExecutorService scheduler,
      CrashPoints crashPoints) {
    this.participants = List.copyOf(participants);
    this.down = new DownParticipants(this.participants);
    this.scheduler = scheduler;
    this.crashPoints = crashPoints;
  }

  /**
   * Confirms on every participant, each retried until it acknowledges: a COMMITTING txn must be
   * confirmed everywhere. The future completes once all have acknowledged, on the thread of
   * the last acknowledgement, with the updated time each participant that shows one reported
   * ({@link Participant#confirm}), or fails with the {@link ParticipantException} of a definite
   * refusal (once the others have acknowledged).
   *
   * @param retrying run once, when the first retry is due (on the thread of the failed reply):
   *     a caller that answers within a budget starts counting there, and the happy path pays
   *     for no timer
   */
  CompletableFuture<Map<Participant, Instant>> confirmAll(String txnId, Runnable retrying) {
    AtomicBoolean retried = new AtomicBoolean();
    Runnable once = () -> {
      if (retried.compareAndSet(false, true)) {
        retrying.run();
      }
    };
    // The crash point after the first acknowledgement is part of each future, so nothing
    // waiting on them (DONE) can run before it is reached.
    AtomicBoolean acknowledged = new AtomicBoolean();
    Map<Participant, Instant> updated = new ConcurrentHashMap<>();
    return CompletableFuture.allOf(participants.stream()
        .map(p -> retried(p, txnId, "confirm", Participant::confirm, RETRIES, once)
            .thenAccept(time -> {
              time.ifPresent(at -> updated.put(p, at));
              if (acknowledged.compareAndSet(false, true)) {
                crashPoints.reach(CrashPoint.ORCHESTRATOR_AFTER_FIRST_CONFIRM);
              }
            }))
        .toArray(CompletableFuture[]::new))
        .thenApply(all -> Map.copyOf(updated));
  }

  /**
   * Cancels on every participant, retrying for {@code budget} (one attempt each when it is
   * shorter than the first backoff, none on a participant known to be down); true when every
   * participant acknowledged. Never fails: what is not acknowledged is left to recovery.
   */
  CompletableFuture<Boolean> cancelAll(String txnId, Duration budget) {
    RetryPolicy<Object> policy = budget.compareTo(FIRST_BACKOFF) > 0
        ? withBudget(budget) : null;
    List<CompletableFuture<Boolean>> each = participants.stream()
        .map(p -> retried(p, txnId, "cancel", Participant::cancel, policy, () -> { })
            .handle((ok, failure) -> {
              if (failure != null) {
                ParticipantException cause = unwrap(failure);
                // Not sent: the participant's breaker said once that it is down; a line per
                // row and pass would repeat it.
                if (cause.notSent()) {
                  log.debug("txn_id={} cancel on {} not sent ({}); left to recovery", txnId,
                      p.name(), cause.getMessage());
                } else {
                  log.warn("txn_id={} cancel on {} not acknowledged ({}); left to recovery",
                      txnId, p.name(), cause.getMessage());
                }
              }
              return failure == null;
            }))
        .toList();
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(all -> each.stream().allMatch(CompletableFuture::join));
  }

  private static RetryPolicy<Object> withBudget(Duration budget) {
    RetryPolicyBuilder<Object> builder = RetryPolicy.builder(RETRIES.getConfig());
    // A participant known to be down will not be back within a cancel's budget: the row waits
    // for the next pass rather than holding this one.
    return builder.withMaxDuration(budget)
        .abortOn(failure -> unwrap(failure).notSent())
        .build();
  }

  /**
   * The first attempt, sent now; when it fails and {@code policy} allows, the retries on the
   * scheduler. Not Failsafe (nor exceptionallyAsync) from the start: either hands even a
   * success to the scheduler, a thread switch per call for nothing.
   *
   * @param policy null for no retry
   */
  private <T> CompletableFuture<T> retried(Participant participant, String txnId, String action,
      BiFunction<Participant, String, CompletableFuture<T>> call, RetryPolicy<Object> policy,
      Runnable retrying) {
    CompletableFuture<T> first = down.call(participant, p -> call.apply(p, txnId));
    return first
        .handle((ok, failure) -> {
          if (failure == null) {
            return first;
          }
          ParticipantException cause = unwrap(failure);
          if (!cause.retryable()) {
            // The participant has logged the violation too.
            log.error("txn_id={} {} on {} refused for good: {}", txnId, action,
                participant.name(), cause.getMessage());
            return CompletableFuture.<T>failedFuture(cause);
          }
          if (policy == null) {
            return CompletableFuture.<T>failedFuture(cause);
          }
          retrying.run();
          log.debug("txn_id={} {} on {} failed ({}); retrying", txnId, action,
              participant.name(), cause.getMessage());
          return Failsafe.with(logged(policy, txnId, participant, action))
              .with(scheduler)
              // Failsafe's first attempt is the one already answered: its failure is what
              // starts the backoff.
              .<T>getStageAsync(context -> context.isFirstAttempt()
                  ? first : down.call(participant, p -> call.apply(p, txnId)));
        })
        .thenCompose(Function.identity());
  }

  /**
   * {@code policy} reporting on this call: a warning at the 10th, 100th, 1000th attempt, so that
   * a participant away for long shows in the log without a line per retry.
   */
  private static RetryPolicy<Object> logged(RetryPolicy<Object> policy, String txnId,
      Participant participant, String action) {
    return RetryPolicy.builder(policy.getConfig())
        .onRetry(event -> {
          int attempts = event.getAttemptCount();
          if (Integer.toString(attempts).matches("10+")) {
            log.warn("txn_id={} {} on {} not acknowledged after {} attempts ({}); retrying",
                txnId, action, participant.name(), attempts,
                unwrap(event.getLastException()).getMessage());
          }
        })
        .onRetriesExceeded(event -> log.warn(
            "txn_id={} {} on {} not acknowledged after {} attempts ({}); left to recovery",
            txnId, action, participant.name(), event.getAttemptCount(),
            unwrap(event.getException()).getMessage()))
        .build();
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
