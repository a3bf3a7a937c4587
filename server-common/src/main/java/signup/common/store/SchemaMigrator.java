package signup.common.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Brings each part of a database's schema up to date with Flyway, and refuses it when what was
 * applied to it is not what this code holds: a script edited after it ran (Flyway keeps each
 * script's checksum), or a version newer than this code knows (Flyway's default would run on).
 *
 * <p>A file made before Flyway has its version in {@code user_version} and no history table:
 * each part is baselined at that version (the old runner's v1 held every part's v1), and then
 * {@code user_version} is cleared, so that a part added to a database later is not mistaken for
 * one that the old runner already created.
 */
final class SchemaMigrator {
  private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

  /** The folder, under each part's location, of the scripts written for SQLite. */
  static final String DIALECT = Dialect.SQLITE.folder();

  private SchemaMigrator() {}

  /** Migrates every part of {@code spec} in the SQLite file (see the general form below). */
  static String migrate(DatabaseSpec spec, Path file, Connection connection, int legacyVersion) {
    return migrate(spec, Dialect.SQLITE, file.toString(), dataSource(file), connection,
        legacyVersion);
  }

  /**
   * Migrates every part of {@code spec} with the scripts of {@code dialect}. Flyway works on
   * connections of its own from {@code source}; {@code connection} (the caller's, on the same
   * database) only looks at the schema, and clears the old runner's {@code user_version} at the
   * end (SQLite only: a database on PostgreSQL was never migrated by it).
   *
   * @param where the database's place, for messages: a file, a redacted URL
   * @param legacyVersion the {@code user_version} found by {@link SchemaGuard}, 0 if none
   * @return each part's version now, for the log: {@code "tcc_barrier v1, client v1"}
   */
  static String migrate(DatabaseSpec spec, Dialect dialect, String where, DataSource source,
      Connection connection, int legacyVersion) {
    List<String> versions = new ArrayList<>();
    for (SchemaScripts part : spec.scripts()) {
      versions.add(part.name() + " v" + migrate(spec, dialect, where, connection, source, part,
          legacyVersion));
    }
    if (legacyVersion != 0) {
      try (Statement statement = connection.createStatement()) {
        statement.executeUpdate("PRAGMA user_version = 0");
      } catch (SQLException e) {
        throw SchemaGuard.unusable(spec, where, "cannot write to it (" + e.getMessage() + ")");
      }
    }
    return String.join(", ", versions);
  }

  private static String migrate(DatabaseSpec spec, Dialect dialect, String where,
      Connection connection, DataSource source, SchemaScripts part, int legacyVersion) {
    FluentConfiguration config = Flyway.configure(SchemaMigrator.class.getClassLoader())
        .loggers("slf4j")
        .dataSource(source)
        .locations(part.location(dialect.folder()))
        .table(part.historyTable())
        // A misspelt folder or script name fails the start instead of migrating nothing.
        .failOnMissingLocations(true)
        .validateMigrationNaming(true)
        // Nothing ignored: Flyway's default ("*:future") would run on a newer schema.
        .ignoreMigrationPatterns(new String[0]);
    boolean adopting;
    try {
      // Flyway starts a part's history in a file with tables only by a baseline: at 0 when the
      // tables are the other parts' (a new file, or a part new to this database), at the old
      // runner's version when the file was made before Flyway and holds this part's too.
      adopting = !tableExists(dialect, connection, part.historyTable())
          && hasTables(dialect, connection);
    } catch (SQLException e) {
      throw SchemaGuard.unusable(spec, where, "cannot read its schema (" + e.getMessage() + ")");
    }
    if (adopting && legacyVersion > 0) {
      config.baselineOnMigrate(true)
          .baselineVersion(String.valueOf(legacyVersion))
          .baselineDescription("v" + legacyVersion + " made before Flyway (user_version)");
    } else if (adopting) {
      config.baselineOnMigrate(true)
          .baselineVersion("0")
          .baselineDescription("<< beside the other parts >>");
    }
    Flyway flyway = config.load();
    try {
      if (adopting && legacyVersion > 0) {
        Optional<MigrationVersion> latest = latestKnown(flyway);
        if (latest.isEmpty()
            || latest.get().compareTo(MigrationVersion.fromVersion("" + legacyVersion)) < 0) {
          throw SchemaGuard.unusable(spec, where, "its schema v" + legacyVersion
              + " is newer than this server knows (v" + latest.map(Object::toString).orElse("0")
              + ")");
        }
        log.info("{} database: {} schema made before Flyway, taken as v{}", spec.name(),
            part.name(), legacyVersion);
      }
      MigrateResult result = flyway.migrate();
      for (MigrateOutput applied : result.migrations) {
        log.info("{} database: applied {} schema v{} ({})", spec.name(), part.name(),
            applied.version, applied.description);
      }
      return result.targetSchemaVersion != null ? result.targetSchemaVersion
          : result.initialSchemaVersion;
    } catch (FlywayValidateException e) {
      throw SchemaGuard.unusable(spec, where, whyInvalid(flyway, part));
    } catch (FlywayException e) {
      throw SchemaGuard.unusable(spec, where, "its " + part.name()
          + " schema could not be migrated: " + describe(e));
    }
  }

  /** Why Flyway refused what it found applied, in words a person can act on. */
  private static String whyInvalid(Flyway flyway, SchemaScripts part) {
    Optional<MigrationVersion> applied = Optional.empty();
    for (MigrationInfo info : flyway.info().all()) {
      if (info.getVersion() != null && info.getState().isApplied()
          && (applied.isEmpty() || info.getVersion().compareTo(applied.get()) > 0)) {
        applied = Optional.of(info.getVersion());
      }
    }
    Optional<MigrationVersion> known = latestKnown(flyway);
    if (applied.isPresent()
        && (known.isEmpty() || applied.get().compareTo(known.get()) > 0)) {
      return "its " + part.name() + " schema v" + applied.get()
          + " is newer than this server knows (v" + known.map(Object::toString).orElse("0")
          + ")";
    }
    List<String> reasons = new ArrayList<>();
    for (ValidateOutput invalid : flyway.validateWithResult().invalidMigrations) {
      if (invalid.errorDetails.errorCode == CoreErrorCode.CHECKSUM_MISMATCH) {
        reasons.add("its " + part.name() + " script V" + invalid.version + " ("
            + invalid.description + ") was changed after it was applied (its checksum differs); "
            + "put the script back as it was and make the change in a new script");
      } else {
        reasons.add("its " + part.name() + " schema: "
            + firstLine(invalid.errorDetails.errorMessage));
      }
    }
    return reasons.isEmpty() ? "its " + part.name() + " schema failed validation"
        : String.join("; ", reasons);
  }

  /** The highest version among this code's scripts of the part. */
  private static Optional<MigrationVersion> latestKnown(Flyway flyway) {
    Optional<MigrationVersion> latest = Optional.empty();
    for (MigrationInfo info : flyway.info().all()) {
      // A baseline marker counts as resolved, but it is no script of ours.
      if (info.getVersion() != null && info.getState().isResolved()
          && !info.getType().isBaseline()
          && (latest.isEmpty() || info.getVersion().compareTo(latest.get()) > 0)) {
        latest = Optional.of(info.getVersion());
      }
    }
    return latest;
  }

  /** Flyway's first line ("Migration V2__x.sql failed") and SQLite's reason, if there is one. */
  private static String describe(FlywayException e) {
    String what = firstLine(e.getMessage());
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql) {
        return what + ": " + sql.getMessage();
      }
    }
    return what;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no reason given";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }

  private static boolean tableExists(Dialect dialect, Connection connection, String table)
      throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      return PostgresOwnership.tableExists(connection, table);
    }
    try (var statement = connection.prepareStatement(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      statement.setString(1, table);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() && rs.getInt(1) > 0;
      }
    }
  }

  private static boolean hasTables(Dialect dialect, Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      return dialect == Dialect.SQLITE ? SchemaGuard.hasTables(statement)
          : PostgresOwnership.hasTables(statement);
    }
  }

  private static DataSource dataSource(Path file) {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(10_000);
    // The file is in WAL mode by now, where NORMAL keeps it consistent through a power cut and
    // spares an fsync per script: a script lost that way is lost with its history row, and runs
    // again at the next start; the writer's first FULL commit makes both durable.
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    // Foreign keys stay off while the schema changes, as SQLite's own guide to altering tables
    // asks; the pragma cannot be changed inside the transaction Flyway runs each script in.
    SQLiteDataSource source = new SQLiteDataSource(config);
    source.setUrl("jdbc:sqlite:" + file);
    return source;
  }
}
