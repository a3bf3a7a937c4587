package signup.common.domain;

/**
 * The caller would have given up before the work could be done, so it was not started: under
 * overload, work for callers who are gone only delays the callers still waiting.
 */
public final class TooLateException extends RuntimeException {
  public TooLateException(String message) {
    // No stack trace: a flood makes thousands a second, and nobody reads where they came from.
    super(message, null, false, false);
  }
}
