package signup.common.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.statement.DefaultStatementBuilder;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Keeps the writer connection's prepared statements instead of preparing each one anew:
 * SQLite compiles a statement on every prepare, and the writer runs the same few dozen
 * statements over and over (a participant runs about ten per sign-up). Compiling them was
 * most of SQLite's own CPU time in a profile of the benchmark (BENCHMARKS.md).
 *
 * <p>Used by one thread only (the database's writer). A statement still in use (a query whose
 * results are being read when the same SQL runs again) is never handed out twice: the second
 * use gets a fresh statement, closed after use as usual.
 */
final class PreparedStatementCache extends DefaultStatementBuilder {
  /** Far above what the servers use; a bound, should SQL ever be built from data. */
  private static final int MAX_STATEMENTS = 200;

  private final Map<String, PreparedStatement> bySql = new HashMap<>();
  private final Set<Statement> inUse = Collections.newSetFromMap(new IdentityHashMap<>());

  @Override
  public PreparedStatement create(Connection connection, String sql, StatementContext context)
      throws SQLException {
    if (context.isReturningGeneratedKeys() || context.isConcurrentUpdatable()) {
      return super.create(connection, sql, context);
    }
    PreparedStatement cached = bySql.get(sql);
    if (cached != null && !inUse.contains(cached) && !cached.isClosed()) {
      inUse.add(cached);
      return cached;
    }
    PreparedStatement created = super.create(connection, sql, context);
    if (cached == null && bySql.size() < MAX_STATEMENTS) {
      bySql.put(sql, created);
      inUse.add(created);
    }
    return created;
  }

  @Override
  public void close(Connection connection, String sql, Statement statement) throws SQLException {
    if (inUse.remove(statement)) {
      // Kept for the next use; its parameters are rebound then.
      ((PreparedStatement) statement).clearParameters();
      return;
    }
    super.close(connection, sql, statement);
  }

  /** When the writer's handle closes. */
  @Override
  public void close(Connection connection) {
    for (PreparedStatement statement : bySql.values()) {
      try {
        statement.close();
      } catch (SQLException ignored) {
        // closing the connection next finalises it anyway
      }
    }
    bySql.clear();
    inUse.clear();
  }
}
