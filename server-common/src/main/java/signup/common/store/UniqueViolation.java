package signup.common.store;

import java.sql.SQLException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A unique (or primary key) constraint a write broke, as either dialect reports it, so that a
 * store turns it into its domain's exception in one place whatever the database: SQLite names
 * {@code table.column} in its message, PostgreSQL names the constraint and, in the error's
 * detail, the key. Never the key's value: it may be an e-mail.
 *
 * @param table the table
 * @param column the column, or the columns joined by ", "
 */
public record UniqueViolation(String table, String column) {
  private static final Pattern SQLITE = Pattern.compile("constraint failed: (\\w+)\\.(\\w+)");
  private static final Pattern POSTGRES_DETAIL = Pattern.compile("^Key \\(([^)]*)\\)=");
  private static final String UNIQUE_VIOLATION = "23505";

  /** The constraint {@code failure} (or a cause of it) broke, if it is a unique one. */
  public static Optional<UniqueViolation> of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException sqlite) {
        return ofSqlite(sqlite);
      }
      if (t instanceof PSQLException postgres
          && UNIQUE_VIOLATION.equals(postgres.getSQLState())) {
        return ofPostgres(postgres.getServerErrorMessage());
      }
      if (t instanceof SQLException) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** True when this is the constraint on {@code table.column}. */
  public boolean is(String table, String column) {
    return this.table.equals(table) && this.column.equals(column);
  }

  private static Optional<UniqueViolation> ofSqlite(SQLiteException sqlite) {
    SQLiteErrorCode code = sqlite.getResultCode();
    if (code != SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
        && code != SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY) {
      return Optional.empty();
    }
    Matcher matcher = SQLITE.matcher(String.valueOf(sqlite.getMessage()));
    return matcher.find()
        ? Optional.of(new UniqueViolation(matcher.group(1), matcher.group(2)))
        : Optional.empty();
  }

  /**
   * From the detail ("Key (email)=(...)") when the server sent it, else from the constraint's
   * name as PostgreSQL makes it for {@code UNIQUE} on one column: {@code <table>_<column>_key}.
   */
  private static Optional<UniqueViolation> ofPostgres(ServerErrorMessage error) {
    if (error == null || error.getTable() == null) {
      return Optional.empty();
    }
    String table = error.getTable();
    if (error.getDetail() != null) {
      Matcher matcher = POSTGRES_DETAIL.matcher(error.getDetail());
      if (matcher.find()) {
        return Optional.of(new UniqueViolation(table, matcher.group(1)));
      }
    }
    String constraint = error.getConstraint();
    if (constraint != null && constraint.startsWith(table + "_") && constraint.endsWith("_key")) {
      return Optional.of(new UniqueViolation(table,
          constraint.substring(table.length() + 1, constraint.length() - "_key".length())));
    }
    return Optional.empty();
  }
}
