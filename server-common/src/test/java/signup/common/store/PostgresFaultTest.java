package signup.common.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.common.domain.StoreUnavailableException;
import signup.common.domain.StoreUnavailableException.Reason;
import signup.common.store.DatabaseLocation.PostgresServer;

/**
 * The PostgreSQL server as a fault like any other: stopped under a running store, then started
 * again. A server of the test's own, since it is stopped.
 */
class PostgresFaultTest {
  @TempDir Path dir;
  private TestPostgres postgres;
  private Database db;
  private final List<Boolean> told = new CopyOnWriteArrayList<>();

  @BeforeEach
  void openOnAServerOfOurOwn() {
    postgres = TestPostgres.startOwn(dir);
    PostgresServer location = postgres.createDatabase();
    db = location.open(TestDatabases.spec());
    db.onWritableChange(told::add);
  }

  @AfterEach
  void close() {
    db.close();
    postgres.close();
  }

  @Test
  void aLostServerFailsEveryCallAsUnreachableAndTheStoreResumesByItselfWhenItIsBack() {
    insert("before");
    assertEquals(List.of(true), told);

    postgres.stop();

    StoreUnavailableException lost =
        assertThrows(StoreUnavailableException.class, () -> insert("during"));
    assertEquals(Reason.UNREACHABLE, lost.reason());
    assertEquals("the test database cannot be reached: nothing was written; try again later",
        lost.getMessage());
    assertEquals(List.of(true, false), told, "told once, however many writes fail");
    assertFalse(db.writable());
    long started = System.nanoTime();
    assertThrows(StoreUnavailableException.class, () -> insert("during, again"));
    assertTrue(System.nanoTime() - started < Duration.ofMillis(500).toNanos(),
        "refused at once, without waiting for a connection");
    ExecutionException async = assertThrows(ExecutionException.class,
        () -> db.writeAsync(handle -> TestDatabases.itemCount(handle)).get());
    assertTrue(async.getCause() instanceof StoreUnavailableException, async.toString());

    postgres.startAgain();

    await().atMost(Duration.ofSeconds(20)).until(db::writable);
    assertEquals(List.of(true, false, true), told);
    insert("after");
    assertEquals(List.of("after", "before"), db.read(TestDatabases::items));
  }

  @Test
  void aReadWhileTheServerIsGoneIsUnavailableToo() {
    postgres.stop();

    StoreUnavailableException lost = assertThrows(StoreUnavailableException.class,
        () -> db.read(TestDatabases::itemCount));

    assertEquals(Reason.UNREACHABLE, lost.reason());
  }

  private void insert(String name) {
    db.write(handle -> {
      TestDatabases.insertItem(handle, name);
      return null;
    });
  }
}
