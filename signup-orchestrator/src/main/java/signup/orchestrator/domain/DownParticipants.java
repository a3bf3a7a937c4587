package signup.orchestrator.domain;

import dev.failsafe.CircuitBreaker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which participants are known to be down, one circuit breaker each: after {@link #FAILURES}
 * calls in a row that found a participant down (unreachable, or no answer within the call
 * deadline), its second-phase calls are not sent but fail at once, until, {@link #OPEN_FOR}
 * later, one call goes through to try it: answered, it is up again.
 *
 * <p>Without it, recovery spent a call deadline on every row of a participant that did not
 * answer, and its pass waited for all of them: under back-to-back kills a pending row waited up
 * to 67 s (RELIABILITY.md). A confirm retried while the breaker is open costs a timer and no
 * call; a cancel with a budget gives up at once, for the next pass.
 */
final class DownParticipants {
  private static final Logger log = LoggerFactory.getLogger(DownParticipants.class);
  /** Failed calls in a row that make a participant down: more than a slow moment causes. */
  static final int FAILURES = 5;
  /** How long a down participant is left alone before one call tries it. */
  static final Duration OPEN_FOR = Duration.ofMillis(500);

  private final Map<Participant, CircuitBreaker<Object>> breakers;
  /**
   * Each participant's failure last counted. The txns confirmed by one call (a batch) fail
   * with that call's one exception: it counts once, as the one call it was, or a single lost
   * batch of five would open the breaker.
   */
  private final Map<Participant, AtomicReference<Throwable>> lastCounted;

  DownParticipants(List<Participant> participants) {
    this.breakers = participants.stream()
        .collect(Collectors.toUnmodifiableMap(Function.identity(), DownParticipants::breaker));
    this.lastCounted = participants.stream()
        .collect(Collectors.toUnmodifiableMap(Function.identity(),
            p -> new AtomicReference<>()));
  }

  private static CircuitBreaker<Object> breaker(Participant participant) {
    // The breaker opens again after every trial call that fails, every OPEN_FOR while the
    // participant is down: one WARN when it goes down and one line when it is back, not a WARN
    // every half second of an outage.
    AtomicBoolean reportedDown = new AtomicBoolean();
    return CircuitBreaker.builder()
        .handleIf(failure -> isDown(SecondPhase.unwrap(failure)))
        .withFailureThreshold(FAILURES)
        .withDelay(OPEN_FOR)
        .onOpen(event -> {
          if (reportedDown.compareAndSet(false, true)) {
            log.warn("{} is down ({} calls in a row failed): its confirms and cancels are not "
                + "sent until it answers again; one is tried every {} ms", participant.name(),
                FAILURES, OPEN_FOR.toMillis());
          }
        })
        .onClose(event -> {
          if (reportedDown.compareAndSet(true, false)) {
            log.info("{} answers again", participant.name());
          }
        })
        .build();
  }

  /** Unreachable, or silent past the deadline: what a refusal or a full disk is not. */
  private static boolean isDown(ParticipantException failure) {
    return failure.kind() == FailureKind.UNAVAILABLE
        || failure.kind() == FailureKind.DEADLINE_EXCEEDED;
  }

  /**
   * {@code call} on {@code participant}, unless it is known to be down: then a future failed
   * with a retryable {@link ParticipantException} that {@link ParticipantException#notSent()}.
   */
  <T> CompletableFuture<T> call(Participant participant,
      Function<Participant, CompletableFuture<T>> call) {
    CircuitBreaker<Object> breaker = breakers.get(participant);
    if (!breaker.tryAcquirePermit()) {
      return CompletableFuture.failedFuture(ParticipantException.notSent(participant.name()
          + " is down: not called until it answers again"));
    }
    CompletableFuture<T> sent;
    try {
      sent = call.apply(participant);
    } catch (RuntimeException e) {
      breaker.recordException(e);
      throw e;
    }
    sent.whenComplete((answer, failure) -> {
      if (failure == null) {
        breaker.recordSuccess();
        return;
      }
      ParticipantException cause = SecondPhase.unwrap(failure);
      if (lastCounted.get(participant).getAndSet(cause) != cause) {
        breaker.recordException(cause);
      }
    });
    return sent;
  }

  boolean isDown(Participant participant) {
    return breakers.get(participant).isOpen();
  }
}
