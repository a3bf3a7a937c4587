package signup.common.store;

/** The database file cannot be used: not ours, corrupt, newer than this code, or unreadable. */
public final class DatabaseUnusableException extends RuntimeException {
  public DatabaseUnusableException(String message, Throwable cause) {
    super(message, cause);
  }
}
