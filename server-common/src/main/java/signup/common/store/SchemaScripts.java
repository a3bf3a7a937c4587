package signup.common.store;

import java.util.regex.Pattern;

/**
 * One part of a database's schema: versioned SQL scripts ({@code V1__what.sql},
 * {@code V2__...}) that Flyway runs once each and records, with their checksums, in the part's
 * own history table {@code <name>_schema_history}. A file may hold several parts, each numbered
 * on its own: a participant's file holds the shared TCC barrier's scripts beside its own, and
 * neither part's numbers can collide with the other's.
 *
 * @param name a lower-case SQL identifier; names the history table and the part in messages
 * @param location the scripts' Flyway location without the dialect: {@code classpath:db/client}
 *     keeps the SQLite scripts in {@code db/client/sqlite}, so each dialect has its own folder
 */
public record SchemaScripts(String name, String location) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  public SchemaScripts {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a schema part's name must be a lower-case identifier, "
          + "not '" + name + "'");
    }
    if (location.endsWith("/")) {
      throw new IllegalArgumentException("a schema part's location has no trailing '/': "
          + location);
    }
  }

  /** Flyway's history table of this part. */
  String historyTable() {
    return name + "_schema_history";
  }

  /** Where this part's scripts for {@code dialect} are. */
  String location(String dialect) {
    return location + "/" + dialect;
  }
}
