package signup.common.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * A small schema of our own, shaped like a participant's: the shared TCC barrier beside data
 * rows. Its scripts are test resources in {@code db/test/sqlite}.
 */
final class TestDatabases {
  static final int APPLICATION_ID = 0x54455354; // "TEST"

  /** V1 items, V2 pending rows, V3 a table counting its own runs. */
  static final List<String> SCRIPT_NAMES =
      List.of("V1__items.sql", "V2__pending.sql", "V3__count_migration_runs.sql");

  static final SchemaScripts SCRIPTS = new SchemaScripts("test", "classpath:db/test");

  /** The pending rows of V2, as a participant declares its own. */
  static final PendingRows PENDING = new PendingRows("pending", "CONFIRMED", "confirmed_at");

  private TestDatabases() {}

  static DatabaseSpec spec() {
    return new DatabaseSpec("test", APPLICATION_ID, List.of(TccBarrier.SCRIPTS, SCRIPTS));
  }

  /** The schema as an older build knew it: only its first {@code version} scripts. */
  static DatabaseSpec specUpTo(Path dir, int version) {
    Map<String, String> scripts = new LinkedHashMap<>();
    for (String name : SCRIPT_NAMES.subList(0, version)) {
      scripts.put(name, script(name));
    }
    return specWithScripts(dir.resolve("scripts-up-to-v" + version), scripts);
  }

  /**
   * The barrier beside test scripts written (or rewritten) into {@code dir}, as name to SQL: for
   * the tests that change or break a script.
   */
  static DatabaseSpec specWithScripts(Path dir, Map<String, String> scripts) {
    try {
      Path folder = Files.createDirectories(dir.resolve(SchemaMigrator.DIALECT));
      for (Map.Entry<String, String> script : scripts.entrySet()) {
        Files.writeString(folder.resolve(script.getKey()), script.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new DatabaseSpec("test", APPLICATION_ID, List.of(TccBarrier.SCRIPTS,
        new SchemaScripts("test", "filesystem:" + dir.toAbsolutePath())));
  }

  /** The text of one of the test scripts. */
  static String script(String name) {
    try (InputStream in = TestDatabases.class.getResourceAsStream("/db/test/sqlite/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test script " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The versions of the scripts recorded as run in a part's Flyway history, oldest first. */
  static List<String> appliedVersions(Handle handle, String part) {
    return handle.createQuery("SELECT version FROM " + part + "_schema_history"
            + " WHERE success = 1 AND type = 'SQL' ORDER BY installed_rank")
        .mapTo(String.class).list();
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
