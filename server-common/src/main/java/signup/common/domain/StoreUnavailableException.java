package signup.common.domain;

/**
 * The store could not take a write because of its environment, not of the request: its disk is
 * full, its file cannot be written, its server cannot be reached. Nothing of the failed write
 * was kept (or, when the server went away during the commit, the write may be retried: every
 * write of the protocol is idempotent), and the same write may succeed once the cause is gone
 * (the store notices by itself, no restart needed).
 */
public final class StoreUnavailableException extends RuntimeException {
  /** What is wrong with the store. */
  public enum Reason {
    /** The filesystem (or the user's quota) is full. */
    OUT_OF_SPACE("is out of disk space"),
    /** The file or its directory cannot be written (permissions, a read-only mount). */
    READ_ONLY("is not writable"),
    /** The operating system failed a read or write of the file. */
    IO_ERROR("cannot be written (I/O error)"),
    /** The database server cannot be reached: down, restarting, or the network between. */
    UNREACHABLE("cannot be reached");

    private final String description;

    Reason(String description) {
      this.description = description;
    }

    /** As in "the client database ...". */
    public String description() {
      return description;
    }
  }

  private final String store;
  private final Reason reason;

  /** @param store the store's name, as in "the client database" */
  public StoreUnavailableException(String store, Reason reason, Throwable cause) {
    super("the " + store + " database " + reason.description()
        + ": nothing was written; try again later", cause);
    this.store = store;
    this.reason = reason;
  }

  public String store() {
    return store;
  }

  public Reason reason() {
    return reason;
  }
}
