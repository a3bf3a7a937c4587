package signup.orchestrator.domain;

import java.time.Duration;

/**
 * Timing of the protocol.
 *
 * @param reserveDeadline deadline of each Reserve call
 * @param tryTimeout how long a TRYING row may live before recovery aborts it; longer than
 *     reserveDeadline so that recovery never races a request that is still waiting for replies
 * @param secondPhaseBudget how long a request waits for its Confirms to be acknowledged before
 *     answering that the sign-up is pending; the Confirms go on being retried until acknowledged
 * @param callDeadline deadline of each Confirm/Cancel attempt
 * @param recoveryInterval how often recovery scans the log
 */
public record ProtocolSettings(Duration reserveDeadline, Duration tryTimeout,
    Duration secondPhaseBudget, Duration callDeadline, Duration recoveryInterval) {

  public static final ProtocolSettings DEFAULTS = new ProtocolSettings(Duration.ofSeconds(3),
      Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(2),
      Duration.ofSeconds(2));

  public ProtocolSettings {
    if (tryTimeout.compareTo(reserveDeadline) <= 0) {
      throw new IllegalArgumentException("tryTimeout must be longer than reserveDeadline");
    }
  }

  /**
   * How long a decided row (COMMITTING, ABORTING) is left to the request that decided it before
   * recovery takes it: the request's own confirms or cancels are out for a call deadline at
   * most, and a confirm still retried after that is a drive recovery joins. Without it, a pass
   * that read a row a moment before its request wrote DONE confirmed it a second time (14 of
   * 300 sign-ups of a burst, RecoveryTest).
   */
  public Duration recoveryGrace() {
    return callDeadline;
  }

  /**
   * The shortest {@link signup.common.domain.Retention} these settings allow: the longest a
   * sign-up can be in motion (its Reserves out for the reserve deadline, undecided until the try
   * timeout, finished by the next recovery pass), so that a retry or a participant's question
   * that comes within that time of the outcome still finds the row.
   */
  public Duration minimumRetention() {
    return reserveDeadline.plus(tryTimeout).plus(recoveryInterval);
  }

  /**
   * How long an orchestrator's claim on a row keeps the other orchestrators sharing the log off
   * it: twice the longest a live one takes between two recovery passes (a pass waits up to two
   * call deadlines for its confirms and cancels, then the interval), so a live orchestrator
   * claims its rows again well before they run out, and a dead one's rows wait at most this
   * long for another. 12 s with the defaults.
   */
  public Duration recoveryClaim() {
    return recoveryInterval.plus(callDeadline.multipliedBy(2)).multipliedBy(2);
  }
}
