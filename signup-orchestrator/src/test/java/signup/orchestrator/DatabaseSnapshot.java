package signup.orchestrator;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every row of every table of the three SQLite files, read behind the servers' backs. Each value
 * is kept as SQLite's own {@code quote()} of it, so two snapshots are equal exactly when the
 * files hold the same rows, byte for byte and type for type.
 */
record DatabaseSnapshot(Map<String, List<Row>> tables) {
  static final List<String> FILES = List.of("client.db", "subscription.db", "orchestrator.db");

  /** One row: column name to quoted value ({@code 'text'}, {@code 42}, {@code NULL}). */
  record Row(Map<String, String> columns) {
    /** The value of a TEXT column without its quotes, or null for NULL. */
    String text(String column) {
      String quoted = columns.get(column);
      if (quoted == null) {
        throw new IllegalArgumentException("no column " + column + " in " + columns.keySet());
      }
      if (quoted.equals("NULL")) {
        return null;
      }
      return quoted.startsWith("'") ? quoted.substring(1, quoted.length() - 1).replace("''", "'")
          : quoted;
    }

    @Override
    public String toString() {
      return columns.toString();
    }
  }

  /** What changed from {@code before} to this snapshot, table by table. */
  record Diff(Map<String, List<Row>> added, Map<String, List<Row>> removed) {
    boolean isEmpty() {
      return added.isEmpty() && removed.isEmpty();
    }

    List<Row> added(String table) {
      return added.getOrDefault(table, List.of());
    }

    @Override
    public String toString() {
      return "added " + added + ", removed " + removed;
    }
  }

  static DatabaseSnapshot of(Path dataDir) {
    Map<String, List<Row>> tables = new LinkedHashMap<>();
    for (String file : FILES) {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(file));
          Statement s = c.createStatement()) {
        s.execute("PRAGMA query_only = true");
        for (String table : tableNames(s)) {
          tables.put(file + ":" + table, rows(s, table));
        }
      } catch (SQLException e) {
        throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    return new DatabaseSnapshot(tables);
  }

  /** Rows only in this snapshot (added) or only in {@code before} (removed), per table. */
  Diff since(DatabaseSnapshot before) {
    Map<String, List<Row>> added = new LinkedHashMap<>();
    Map<String, List<Row>> removed = new LinkedHashMap<>();
    for (String table : union(before)) {
      List<Row> now = tables.getOrDefault(table, List.of());
      List<Row> then = before.tables.getOrDefault(table, List.of());
      List<Row> onlyNow = minus(now, then);
      List<Row> onlyThen = minus(then, now);
      if (!onlyNow.isEmpty()) {
        added.put(table, onlyNow);
      }
      if (!onlyThen.isEmpty()) {
        removed.put(table, onlyThen);
      }
    }
    return new Diff(added, removed);
  }

  private List<String> union(DatabaseSnapshot other) {
    List<String> names = new ArrayList<>(tables.keySet());
    other.tables.keySet().stream().filter(name -> !names.contains(name)).forEach(names::add);
    return names;
  }

  private static List<Row> minus(List<Row> rows, List<Row> taken) {
    List<Row> left = new ArrayList<>(rows);
    taken.forEach(left::remove);
    return left;
  }

  private static List<String> tableNames(Statement s) throws SQLException {
    List<String> names = new ArrayList<>();
    try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' "
        + "AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  private static List<Row> rows(Statement s, String table) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (ResultSet rs = s.executeQuery("SELECT name FROM pragma_table_info('" + table + "')")) {
      while (rs.next()) {
        columns.add(rs.getString(1));
      }
    }
    String select = columns.stream().map(c -> "quote(\"" + c + "\")")
        .collect(Collectors.joining(", "));
    List<Row> rows = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(
        "SELECT " + select + " FROM \"" + table + "\" ORDER BY rowid")) {
      while (rs.next()) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
          row.put(columns.get(i), rs.getString(i + 1));
        }
        rows.add(new Row(row));
      }
    }
    return rows;
  }
}
