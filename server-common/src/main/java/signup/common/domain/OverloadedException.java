package signup.common.domain;

import java.time.Duration;
import java.util.Optional;

/**
 * Refused at once because a bounded queue is full: the work was not started, nothing was
 * written, and the caller may try again later. Every queue of the servers has a bound, so that
 * a burst costs a clear refusal rather than memory and an unbounded wait.
 */
public final class OverloadedException extends RuntimeException {
  private final Duration retryAfter;

  public OverloadedException(String message) {
    this(message, null);
  }

  /** @param retryAfter how long the caller should wait before trying again; null for no hint */
  public OverloadedException(String message, Duration retryAfter) {
    // No stack trace: under overload thousands a second are made, and nobody reads it.
    super(message, null, false, false);
    this.retryAfter = retryAfter;
  }

  /** The wait to suggest to the caller (a {@code google.rpc.RetryInfo} on the wire). */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
