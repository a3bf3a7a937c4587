package signup.common.store;

import java.nio.file.Path;

/**
 * A new, empty database of each dialect for a store test: a SQLite file in the test's
 * directory, or a database of its own on the JVM's shared test PostgreSQL ({@link TestPostgres}).
 * The store suites run once per dialect on these.
 */
public final class FreshDatabases {
  private FreshDatabases() {}

  /** Where a new database of {@code dialect} would go; {@code dir} is the test's own. */
  public static DatabaseLocation location(Dialect dialect, Path dir, String name) {
    return switch (dialect) {
      case SQLITE -> DatabaseLocation.sqlite(dir.resolve(name + ".db"));
      case POSTGRESQL -> TestPostgres.shared().createDatabase();
    };
  }

  /** A new database of {@code dialect} for {@code spec}, migrated. */
  public static Database open(Dialect dialect, DatabaseSpec spec, Path dir) {
    return migrated(dialect, spec, dir).open(spec);
  }

  /** Where a new database of {@code dialect} for {@code spec} is; migrated on PostgreSQL. */
  public static DatabaseLocation migrated(Dialect dialect, DatabaseSpec spec, Path dir) {
    return switch (dialect) {
      case SQLITE -> DatabaseLocation.sqlite(dir.resolve(spec.name() + ".db"));
      case POSTGRESQL -> TestPostgres.shared().createDatabase(spec);
    };
  }
}
