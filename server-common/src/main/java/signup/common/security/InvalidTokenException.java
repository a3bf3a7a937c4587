package signup.common.security;

/**
 * A presented access token that is not acceptable: malformed, not signed by a known key with the
 * expected algorithm, expired, or for another issuer or audience. The message says which, and
 * never holds the token itself: it may be logged and is sent to the caller.
 */
public final class InvalidTokenException extends RuntimeException {
  public InvalidTokenException(String reason) {
    super(reason);
  }
}
