package signup.client.domain;

import java.time.Duration;

/**
 * How many failed log-ins are allowed before the next ones are refused until the window that
 * began with the first failure has passed.
 *
 * @param perEmail failures allowed for one e-mail address (a guessed password)
 * @param perAddress failures allowed from one caller address (many e-mails tried from one
 *     place); higher, since many people may share an address
 */
public record LoginThrottleSettings(int perEmail, int perAddress, Duration window) {
  /** 5 per e-mail and 50 per address in 15 minutes. */
  public static final LoginThrottleSettings DEFAULTS =
      new LoginThrottleSettings(5, 50, Duration.ofMinutes(15));

  public LoginThrottleSettings {
    if (perEmail < 1 || perAddress < 1) {
      throw new IllegalArgumentException("the log-in failure limits must be at least 1");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("the log-in failure window must be positive");
    }
  }
}
