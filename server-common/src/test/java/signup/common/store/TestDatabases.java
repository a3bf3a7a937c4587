package signup.common.store;

import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** A small schema of our own, shaped like a participant's: data rows beside the TCC barrier. */
final class TestDatabases {
  static final int APPLICATION_ID = 0x54455354; // "TEST"

  static final Migration ITEMS = new Migration(1, "items",
      "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
  static final Migration BARRIER = new Migration(2, "barrier and pending rows",
      TccBarrier.SCHEMA + ";" + TccBarrier.V2_FINISHED_INDEX + ";"
          + "CREATE TABLE pending (txn_id TEXT PRIMARY KEY, value TEXT NOT NULL,"
          + " status TEXT NOT NULL DEFAULT 'PENDING', confirmed_at INTEGER)");
  /** The pending rows of {@link #BARRIER}, as a participant declares its own. */
  static final PendingRows PENDING = new PendingRows("pending", "CONFIRMED", "confirmed_at");
  /** Counts its own runs, so a test can tell whether a migration ran more than once. */
  static final Migration COUNTED = new Migration(3, "count migration runs",
      "CREATE TABLE migration_runs (n INTEGER);INSERT INTO migration_runs VALUES (1)");

  private TestDatabases() {}

  static DatabaseSpec spec() {
    return specUpTo(3);
  }

  static DatabaseSpec specUpTo(int version) {
    List<Migration> all = List.of(ITEMS, BARRIER, COUNTED);
    return new DatabaseSpec("test", APPLICATION_ID, new ArrayList<>(all.subList(0, version)));
  }

  static void insertItem(Handle handle, String name) {
    handle.execute("INSERT INTO items (name) VALUES (?)", name);
  }

  static List<String> items(Handle handle) {
    return handle.createQuery("SELECT name FROM items ORDER BY name").mapTo(String.class).list();
  }

  static long itemCount(Handle handle) {
    return handle.createQuery("SELECT count(*) FROM items").mapTo(Long.class).one();
  }
}
