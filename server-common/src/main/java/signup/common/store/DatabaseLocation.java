package signup.common.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Properties;
import signup.common.store.SqliteDatabase.Synchronous;

/**
 * Where a service keeps its data: a SQLite file of its own (the default, and what {@code signup
 * up} uses), or a database on a PostgreSQL server that several replicas of the service share.
 */
public sealed interface DatabaseLocation {
  /** Opens (creating and migrating it if need be) the database of {@code spec} here. */
  Database open(DatabaseSpec spec);

  /** What to call it in a log line or a message: never a password. */
  String describe();

  /**
   * A plain JDBC connection that can only read, for tools that check the data from outside the
   * servers ({@code signup audit}); the caller closes it. Nothing is created or migrated.
   */
  Connection openReadOnly() throws SQLException;

  static DatabaseLocation sqlite(Path file) {
    return new SqliteFile(file, Synchronous.FULL);
  }

  /** A SQLite file, created if missing. */
  record SqliteFile(Path file, Synchronous synchronous) implements DatabaseLocation {
    public SqliteFile {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(synchronous, "synchronous");
    }

    @Override
    public Database open(DatabaseSpec spec) {
      return SqliteDatabase.open(spec, file, synchronous);
    }

    @Override
    public String describe() {
      return file.toAbsolutePath().toString();
    }

    @Override
    public Connection openReadOnly() throws SQLException {
      if (!Files.isRegularFile(file)) {
        throw new SQLException("no " + file.getFileName() + " in "
            + file.toAbsolutePath().getParent());
      }
      // Not a read-only open: SQLite may need to create a WAL's -shm file even to read it.
      // query_only makes sure nothing is written.
      Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA busy_timeout = 10000");
        statement.execute("PRAGMA query_only = true");
      } catch (SQLException e) {
        connection.close();
        throw e;
      }
      return connection;
    }
  }

  /**
   * A database on a PostgreSQL server, owned by one service: its tables are created in the
   * URL's schema ({@code currentSchema}, {@code public} by default), and a database another
   * service owns is refused.
   *
   * @param url {@code jdbc:postgresql://host:port/database}, with no password in it
   * @param user the role to connect as; empty for the driver's default
   * @param password empty when the server asks for none (trust, peer)
   */
  record PostgresServer(String url, String user, String password) implements DatabaseLocation {
    public static final String PREFIX = "jdbc:postgresql://";

    public PostgresServer {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
      Properties parsed = parse(url);
      if (parsed.getProperty("password") != null) {
        throw new IllegalArgumentException("the database URL must not hold a password: "
            + "give it through the environment or a file");
      }
    }

    /** True for a URL this kind of location takes. */
    public static boolean accepts(String url) {
      return url != null && url.startsWith(PREFIX);
    }

    @Override
    public Database open(DatabaseSpec spec) {
      return PostgresDatabase.open(spec, this);
    }

    /** {@code postgresql://host:port/database}: the URL without its parameters. */
    @Override
    public String describe() {
      Properties parsed = parse(url);
      return "postgresql://" + parsed.getProperty("PGHOST") + ":" + parsed.getProperty("PGPORT")
          + "/" + parsed.getProperty("PGDBNAME");
    }

    @Override
    public Connection openReadOnly() throws SQLException {
      Properties login = new Properties();
      if (!user.isEmpty()) {
        login.setProperty("user", user);
      }
      if (!password.isEmpty()) {
        login.setProperty("password", password);
      }
      login.setProperty("logServerErrorDetail", "false");
      login.setProperty("ApplicationName", "signup-audit");
      Connection connection = DriverManager.getConnection(url, login);
      connection.setReadOnly(true);
      return connection;
    }

    /** Without the password, and without the URL's parameters. */
    @Override
    public String toString() {
      return "PostgresServer[" + describe() + ", user=" + user + "]";
    }

    private static Properties parse(String url) {
      if (!accepts(url)) {
        throw new IllegalArgumentException("a PostgreSQL URL starts with " + PREFIX);
      }
      Properties parsed = org.postgresql.Driver.parseURL(url, new Properties());
      if (parsed == null || parsed.getProperty("PGDBNAME", "").isEmpty()) {
        throw new IllegalArgumentException("not a PostgreSQL URL of the form "
            + PREFIX + "host:port/database");
      }
      return parsed;
    }
  }
}
