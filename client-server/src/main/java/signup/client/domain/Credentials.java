package signup.client.domain;

/**
 * What a log-in checks a password against: a confirmed client's id, e-mail and password hash.
 * {@link #toString()} leaves the hash out, so it cannot reach a log.
 */
public record Credentials(String clientId, String email, String passwordHash) {
  @Override
  public String toString() {
    return "Credentials[clientId=" + clientId + "]";
  }
}
