package signup.common.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * PostgreSQL's stand-in for SQLite's {@code application_id}: a one-row table naming the service
 * whose database (or schema) this is. It is written before the first migration, so a server
 * refuses another service's database, and a database holding tables of something else, before
 * it changes anything, as it refuses another service's SQLite file.
 */
final class PostgresOwnership {
  static final String TABLE = "signup_owner";

  /** A write that changes nothing: the test write that tells whether the server takes writes. */
  static final String TEST_WRITE = "UPDATE " + TABLE + " SET service = service";

  private PostgresOwnership() {}

  /** Checks the current schema and claims it for {@code spec} when it is empty. */
  static void checkAndClaim(DatabaseSpec spec, String where, Connection connection)
      throws SQLException {
    String schema = currentSchema(connection);
    if (schema == null) {
      throw SchemaGuard.unusable(spec, where, "none of the schemas on its search_path exists: "
          + "create the schema the URL's currentSchema names, or leave currentSchema out");
    }
    Optional<Owner> owner = owner(connection);
    if (owner.isEmpty()) {
      boolean tables;
      try (Statement statement = connection.createStatement()) {
        tables = hasTables(statement);
      }
      if (tables) {
        // A replica starting at the same moment may have claimed the schema (and begun its
        // migrations) between the two reads: its claim is what the tables are.
        owner = owner(connection);
        if (owner.isEmpty()) {
          throw SchemaGuard.unusable(spec, where, "its schema " + schema
              + " holds tables but is not a " + spec.name() + " database (no " + TABLE
              + " table)");
        }
      } else {
        claim(spec, connection);
        owner = owner(connection);
      }
    }
    Owner found = owner.orElseThrow(() -> SchemaGuard.unusable(spec, where,
        "its " + TABLE + " table is empty"));
    if (found.applicationId() != spec.applicationId()) {
      throw SchemaGuard.unusable(spec, where, "it belongs to another service (the "
          + found.service() + " database): each service needs a database of its own");
    }
  }

  /**
   * Creates and fills the owner table, in one transaction. Two replicas starting at once on an
   * empty database may both try: the loser's error is ignored when the winner's row is there.
   */
  private static void claim(DatabaseSpec spec, Connection connection) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement();
        PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE
            + " (application_id, service) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      statement.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
          + "one_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one_row), "
          + "application_id INTEGER NOT NULL, service TEXT NOT NULL)");
      insert.setInt(1, spec.applicationId());
      insert.setString(2, spec.name());
      insert.executeUpdate();
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      if (owner(connection).isEmpty()) {
        throw e;
      }
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private record Owner(int applicationId, String service) {}

  private static Optional<Owner> owner(Connection connection) throws SQLException {
    if (!tableExists(connection, TABLE)) {
      return Optional.empty();
    }
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(
            "SELECT application_id, service FROM " + TABLE)) {
      return rs.next() ? Optional.of(new Owner(rs.getInt(1), rs.getString(2)))
          : Optional.empty();
    }
  }

  private static String currentSchema(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT current_schema()")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** Tables (not views) in the current schema, whatever this role may read of them. */
  static boolean hasTables(Statement statement) throws SQLException {
    try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_catalog.pg_class c"
        + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')")) {
      return rs.next() && rs.getInt(1) > 0;
    }
  }

  static boolean tableExists(Connection connection, String table) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT count(*) FROM pg_catalog.pg_class c"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
            + " AND c.relname = ?")) {
      statement.setString(1, table);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() && rs.getInt(1) > 0;
      }
    }
  }
}
