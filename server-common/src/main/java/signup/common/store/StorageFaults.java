package signup.common.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import signup.common.domain.StoreUnavailableException.Reason;

/**
 * Tells a failure of the database's environment (disk full, file not writable, I/O error, a
 * server that cannot be reached) from every other failure of a statement: the first goes away by
 * itself once someone frees space, fixes a permission or starts the server, so the caller is
 * told to retry and nothing is logged per request.
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
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        Optional<Reason> reason = ofSqlState(sql.getSQLState());
        if (reason.isPresent()) {
          return reason;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * True when the pool had no connection to lend in time although the server answers: the
   * database is busy, not gone (the pool's timeout then carries no connection failure).
   */
  static boolean poolExhausted(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException pool && pool.getCause() == null
          && pool.getSQLState() == null) {
        return true;
      }
    }
    return false;
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

  /** PostgreSQL's SQLSTATEs (Appendix A of its manual) that say the server, not the SQL, failed. */
  static Optional<Reason> ofSqlState(String state) {
    if (state.startsWith("08")) {
      return Optional.of(Reason.UNREACHABLE); // connection exception: refused, broken, lost
    }
    return switch (state) {
      // admin_shutdown, crash_shutdown, cannot_connect_now (starting or in recovery),
      // too_many_connections
      case "57P01", "57P02", "57P03", "53300" -> Optional.of(Reason.UNREACHABLE);
      case "53100" -> Optional.of(Reason.OUT_OF_SPACE); // disk_full
      case "25006" -> Optional.of(Reason.READ_ONLY); // read_only_sql_transaction: a standby
      case "58030" -> Optional.of(Reason.IO_ERROR); // io_error
      default -> Optional.empty();
    };
  }
}
