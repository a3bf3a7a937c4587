package signup.client.security;

import java.time.Duration;
import signup.common.security.AccessTokenIssuer;

/**
 * @param ttl how long an access token is accepted after its log-in
 * @param keyMaxAge how long one key signs before a new one replaces it
 */
public record TokenSettings(Duration ttl, Duration keyMaxAge) {
  /** 15-minute tokens; a new signing key every 30 days. */
  public static final TokenSettings DEFAULTS =
      new TokenSettings(Duration.ofMinutes(15), Duration.ofDays(30));

  public TokenSettings {
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(AccessTokenIssuer.MAX_TTL) > 0) {
      throw new IllegalArgumentException("the access token lifetime must be positive and at most "
          + AccessTokenIssuer.MAX_TTL.toHours() + " hours, not " + ttl);
    }
    if (keyMaxAge.isNegative() || keyMaxAge.isZero()) {
      throw new IllegalArgumentException("the signing key's maximum age must be positive");
    }
  }
}
