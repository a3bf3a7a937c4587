package signup.common.domain;

/** The thing asked for does not exist (or is not visible yet): a client, plan, txn, sign-up. */
public final class NotFoundException extends RuntimeException {
  public NotFoundException(String message) {
    super(message);
  }
}
