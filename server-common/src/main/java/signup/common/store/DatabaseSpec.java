package signup.common.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What makes a database file ours: a name for messages, SQLite's {@code application_id} (so a
 * server refuses another service's file), and the parts of its schema, migrated in this order.
 */
public record DatabaseSpec(String name, int applicationId, List<SchemaScripts> scripts) {
  public DatabaseSpec {
    scripts = List.copyOf(scripts);
    if (scripts.isEmpty()) {
      throw new IllegalArgumentException("a database needs at least one schema part");
    }
    if (scripts.stream().map(SchemaScripts::name).distinct().count() != scripts.size()) {
      throw new IllegalArgumentException("two schema parts of one database share a name: "
          + scripts);
    }
  }

  /**
   * One file holding the schema parts of several databases, each part once: a part two of them
   * share (the TCC barrier) is migrated once.
   */
  public static DatabaseSpec combining(String name, int applicationId, DatabaseSpec... specs) {
    Map<String, SchemaScripts> parts = new LinkedHashMap<>();
    for (DatabaseSpec spec : specs) {
      for (SchemaScripts part : spec.scripts()) {
        SchemaScripts earlier = parts.putIfAbsent(part.name(), part);
        if (earlier != null && !earlier.equals(part)) {
          throw new IllegalArgumentException("two different schema parts are named "
              + part.name() + ": " + earlier + " and " + part);
        }
      }
    }
    return new DatabaseSpec(name, applicationId, new ArrayList<>(parts.values()));
  }
}
