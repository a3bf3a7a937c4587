package signup.common.domain;

import java.time.Duration;

/**
 * How long a reservation may stay undecided before the participant asks the coordinator about
 * it, and how often it looks.
 */
public record ParticipantSettings(Duration reservationTtl, Duration sweepInterval) {
  public static final ParticipantSettings DEFAULTS =
      new ParticipantSettings(Duration.ofSeconds(30), Duration.ofSeconds(5));
}
