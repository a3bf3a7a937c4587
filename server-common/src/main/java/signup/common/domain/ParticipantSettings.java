package signup.common.domain;

import java.time.Duration;

/**
 * How long a reservation may stay undecided before the participant asks the coordinator about
 * it, and how often it looks.
 */
public record ParticipantSettings(Duration reservationTtl, Duration sweepInterval) {
  public static final ParticipantSettings DEFAULTS =
      new ParticipantSettings(Duration.ofSeconds(30), Duration.ofSeconds(5));

  /**
   * The shortest {@link Retention} these settings allow: a tombstone must outlive every Reserve
   * still on its way to refuse it. A Reserve travels at most the orchestrator's reserve deadline,
   * shorter than the reservation TTL (or the reservation it makes would be asked about before
   * its sign-up could decide), and a sweep interval on top is the margin. Even a Reserve later
   * than that leaves nothing hanging: its reservation is resolved as an abort past its TTL.
   */
  public Duration minimumRetention() {
    return reservationTtl.plus(sweepInterval);
  }

  /**
   * How long a sweeper's claim on the reservations it works keeps the other replicas' sweepers
   * off them: one more TTL. A replica that dies mid-sweep leaves its reservations to the others
   * that much later; a live one claims its own again at each sweep.
   */
  public Duration sweepClaim() {
    return reservationTtl;
  }
}
