package signup.client.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Failed log-ins counted per throttle key (an e-mail's or an address's), kept durably so that a
 * restart does not forgive them.
 */
public interface LoginFailureStore {
  /** The failures counted for {@code key} in its current window. */
  record Failures(int count, Instant windowStart) {}

  Optional<Failures> find(String key);

  /**
   * Counts one more failure for each key, in one write: a key whose window began before
   * {@code windowStartedBefore} starts a new window at {@code now} with a count of 1.
   */
  void recordFailure(List<String> keys, Instant now, Instant windowStartedBefore);

  /** Forgets the failures of {@code key}. */
  void clear(String key);
}
