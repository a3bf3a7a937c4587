package signup.client.domain;

/**
 * The e-mail and password do not match a confirmed client. Deliberately the same for an unknown
 * e-mail and a wrong password, so the answer does not tell who is registered.
 */
public final class WrongCredentialsException extends RuntimeException {
  public WrongCredentialsException() {
    super("email or password is wrong");
  }
}
