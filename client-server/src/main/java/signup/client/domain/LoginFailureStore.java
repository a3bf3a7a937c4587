package signup.client.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Log-in attempts not known to have succeeded, counted per throttle key (an e-mail's or an
 * address's) and kept durably, so that a restart does not forgive them.
 */
public interface LoginFailureStore {
  /** The attempts counted for a key in its current window. */
  record Failures(int count, Instant windowStart) {}

  /**
   * In one write, before the password is checked: counts one more attempt for each key and
   * returns the counts after it. A key whose window began at or before
   * {@code windowStartedBefore} starts a new window at {@code now} with a count of 1. Counting first, in the writer, is what
   * makes the limit hold for attempts sent in parallel.
   */
  Map<String, Failures> countAttempt(List<String> keys, Instant now,
      Instant windowStartedBefore);

  /** The attempt succeeded: forgets {@code resetKey}'s count, and takes it back from the others. */
  void succeeded(String resetKey, List<String> takeBackKeys);
}
