package signup.client.domain;

import java.time.Instant;

/**
 * A successful log-in's answer. {@link #toString()} leaves the token out, so it cannot reach a
 * log.
 */
public record AccessGrant(String clientId, String accessToken, Instant expiresAt) {
  @Override
  public String toString() {
    return "AccessGrant[clientId=" + clientId + ", expiresAt=" + expiresAt + "]";
  }
}
