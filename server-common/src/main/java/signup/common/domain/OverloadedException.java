package signup.common.domain;

/**
 * Refused at once because a bounded queue is full: the work was not started, nothing was
 * written, and the caller may try again later. Every queue of the servers has a bound, so that
 * a burst costs a clear refusal rather than memory and an unbounded wait.
 */
public final class OverloadedException extends RuntimeException {
  public OverloadedException(String message) {
    super(message);
  }
}
