package signup.common.security;

/**
 * The public keys that verify access tokens could not be had (client-server unreachable or too
 * slow) and none are known yet: a token cannot be checked now, though it may be valid. Retrying
 * later may help.
 */
public final class KeysUnavailableException extends RuntimeException {
  public KeysUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
