package signup.orchestrator.domain;

import java.time.Duration;

/**
 * How much work the orchestrator takes on: what it refuses at once, before any write, so that a
 * flood costs a refusal and not a sign-up. Tried from outside, 24,000 calls with a 1 ms deadline
 * started about 21,300 real sign-ups nobody waited for, and a normal one 15 s later still timed
 * out.
 *
 * @param maxInFlight sign-ups under way at once (from the call to its answer); one more is
 *     refused with RESOURCE_EXHAUSTED and a retry hint. The default, 256, is the benchmark's
 *     largest closed loop: below it nothing is refused, above it the hashers cannot serve a
 *     sign-up within the reserve deadline anyway (BENCHMARKS.md)
 * @param minTimeLeft a call whose deadline leaves less than this is refused with
 *     DEADLINE_EXCEEDED without starting: its caller will have given up before any answer. The
 *     default, 25 ms, is under the quickest sign-up with production hashing on an idle machine
 *     (p50 31.7 ms at concurrency 1)
 * @param retryAfter the least wait suggested to a caller refused for {@code maxInFlight} (or
 *     the adapted limit): the hint is how long a sign-up takes now, between this and {@code
 *     slowSignup}
 * @param slowSignup a sign-up slower than this, from admission to outcome, says sign-ups queue
 *     somewhere: several of them cut the number admitted below {@code maxInFlight}, which grows
 *     back as they come back quicker ({@link AdmissionLimit}); zero keeps it at {@code
 *     maxInFlight}. The default, 1 s, is a third of the reserve deadline: a sign-up admitted
 *     under it has the time to finish
 */
public record AdmissionSettings(int maxInFlight, Duration minTimeLeft, Duration retryAfter,
    Duration slowSignup) {
  public static final AdmissionSettings DEFAULTS = new AdmissionSettings(256,
      Duration.ofMillis(25), Duration.ofMillis(250), Duration.ofSeconds(1));

  public AdmissionSettings {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
    }
    if (minTimeLeft.isNegative()) {
      throw new IllegalArgumentException("minTimeLeft must not be negative: " + minTimeLeft);
    }
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
    }
    if (slowSignup.isNegative()) {
      throw new IllegalArgumentException("slowSignup must not be negative: " + slowSignup);
    }
  }

  public AdmissionSettings withMaxInFlight(int value) {
    return new AdmissionSettings(value, minTimeLeft, retryAfter, slowSignup);
  }

  public AdmissionSettings withMinTimeLeft(Duration value) {
    return new AdmissionSettings(maxInFlight, value, retryAfter, slowSignup);
  }

  public AdmissionSettings withSlowSignup(Duration value) {
    return new AdmissionSettings(maxInFlight, minTimeLeft, retryAfter, value);
  }
}
