package signup.common.store;

import java.util.List;

/**
 * What makes a database file ours: a name for messages, SQLite's {@code application_id} (so a
 * server refuses another service's file), and the migrations that build its schema.
 */
public record DatabaseSpec(String name, int applicationId, List<Migration> migrations) {
  public DatabaseSpec {
    migrations = List.copyOf(migrations);
    for (int i = 0; i < migrations.size(); i++) {
      if (migrations.get(i).version() != i + 1) {
        throw new IllegalArgumentException("migrations must be numbered 1, 2, 3... without gaps");
      }
    }
  }

  public int latestVersion() {
    return migrations.size();
  }
}
