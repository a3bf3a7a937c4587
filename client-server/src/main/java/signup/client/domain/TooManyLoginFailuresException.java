package signup.client.domain;

import java.time.Duration;

/** Too many failed log-ins for this e-mail or from this address: wait {@link #retryAfter()}. */
public final class TooManyLoginFailuresException extends RuntimeException {
  private final Duration retryAfter;

  public TooManyLoginFailuresException(Duration retryAfter) {
    super("too many failed log-ins; try again in " + Math.max(1, retryAfter.toSeconds()) + " s");
    this.retryAfter = retryAfter;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
