package signup.common.domain;

import java.time.Duration;

/**
 * The database kept refusing a write for conflicting with concurrent ones (PostgreSQL's
 * serialization failures and deadlocks), every time it was run again: nothing of it was kept,
 * the database is healthy, and the same write may succeed a moment later. Rare by design: the
 * protocol's hot writes do not take the predicate locks these conflicts come from.
 */
public final class WriteConflictException extends RuntimeException {
  /** What the caller is told to wait before trying again. */
  public static final Duration RETRY_AFTER = Duration.ofMillis(100);

  private final String store;

  /**
   * @param store the store's name, as in "the client database"
   * @param runs how many times the write was run
   */
  public WriteConflictException(String store, int runs, Throwable cause) {
    super("the " + store + " database refused this write " + runs + " times for conflicting "
        + "with concurrent writes: nothing was written; try again", cause);
    this.store = store;
  }

  public String store() {
    return store;
  }
}
