package signup.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreparedStatementCacheTest {
  private static final String SQL = "SELECT 1";

  @TempDir
  Path dir;

  private Connection connection;
  private Handle handle;
  private StatementContext context;
  private final PreparedStatementCache cache = new PreparedStatementCache();

  @BeforeEach
  void open() throws Exception {
    connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("cache.db"));
    handle = Jdbi.open(connection);
    context = handle.createQuery(SQL).getContext();
  }

  @AfterEach
  void close() throws Exception {
    handle.close();
  }

  @Test
  void theSameSqlIsPreparedOnceAndReused() throws Exception {
    PreparedStatement first = cache.create(connection, SQL, context);
    cache.close(connection, SQL, first);

    PreparedStatement second = cache.create(connection, SQL, context);

    assertSame(first, second);
    assertTrue(!second.isClosed(), "kept open for the next use");
  }

  @Test
  void aStatementStillInUseIsNotHandedOutTwice() throws Exception {
    PreparedStatement outer = cache.create(connection, SQL, context);

    PreparedStatement inner = cache.create(connection, SQL, context);
    cache.close(connection, SQL, inner);

    assertNotSame(outer, inner);
    assertTrue(inner.isClosed(), "the extra statement is closed after use, not kept");
    assertTrue(!outer.isClosed());
  }

  @Test
  void closingTheHandleClosesEveryKeptStatement() throws Exception {
    PreparedStatement kept = cache.create(connection, SQL, context);
    cache.close(connection, SQL, kept);

    cache.close(connection);

    assertTrue(kept.isClosed());
  }

  @Test
  void writesThroughTheCacheGiveTheSameResultsAsWithout() {
    Jdbi jdbi = Jdbi.create(() -> DriverManager.getConnection(
        "jdbc:sqlite:" + dir.resolve("writes.db")));
    jdbi.setStatementBuilderFactory(c -> new PreparedStatementCache());
    try (Handle h = jdbi.open()) {
      h.execute("CREATE TABLE items (name TEXT)");
      for (String name : List.of("a", "b", "c")) {
        h.execute("SAVEPOINT unit");
        h.createUpdate("INSERT INTO items (name) VALUES (:name)").bind("name", name).execute();
        h.execute("RELEASE SAVEPOINT unit");
      }
      // Queries run while another query's results are being read.
      List<String> pairs = h.createQuery("SELECT name FROM items ORDER BY name")
          .mapTo(String.class)
          .stream()
          .map(outer -> outer + h.createQuery("SELECT count(*) FROM items WHERE name <= :n")
              .bind("n", outer).mapTo(Integer.class).one())
          .toList();

      assertEquals(List.of("a1", "b2", "c3"), pairs);
    }
  }
}
