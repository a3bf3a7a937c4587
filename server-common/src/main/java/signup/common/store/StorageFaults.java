package signup.common.store;

import java.util.Optional;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import signup.common.domain.StoreUnavailableException.Reason;

/**
 * Tells a failure of the file's environment (disk full, file not writable, I/O error) from every
 * other failure of a statement: the first goes away by itself once someone frees space or fixes
 * a permission, so the caller is told to retry and nothing is logged per request.
 */
final class StorageFaults {
  // SQLite's primary result codes; an extended code carries its primary one in the low byte.
  private static final int SQLITE_PERM = 3;
  private static final int SQLITE_READONLY = 8;
  private static final int SQLITE_IOERR = 10;
  private static final int SQLITE_FULL = 13;
  private static final int SQLITE_CANTOPEN = 14;

  private StorageFaults() {}

  /** The storage fault behind {@code failure}, if one is anywhere in its causes. */
  static Optional<Reason> of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException sqlite) {
        return of(sqlite.getResultCode());
      }
    }
    return Optional.empty();
  }

  private static Optional<Reason> of(SQLiteErrorCode code) {
    if (code == null || code == SQLiteErrorCode.SQLITE_IOERR_NOMEM) {
      return Optional.empty(); // out of memory is the process's trouble, not the file's
    }
    return switch (code.code & 0xff) {
      case SQLITE_FULL -> Optional.of(Reason.OUT_OF_SPACE);
      case SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM -> Optional.of(Reason.READ_ONLY);
      case SQLITE_IOERR -> Optional.of(Reason.IO_ERROR);
      default -> Optional.empty();
    };
  }
}
