package signup.subscription;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Looks into a database file behind the server's back, to see what was (not) written. */
public final class DatabaseRows {
  private final Path file;

  public DatabaseRows(Path file) {
    this.file = file;
  }

  public int count(String table) {
    return query("SELECT count(*) FROM " + table, null).map(Integer::parseInt).orElseThrow();
  }

  /** The barrier state of {@code txnId}, if the barrier knows it. */
  public Optional<String> barrierState(String txnId) {
    return query("SELECT state FROM txn_barrier WHERE txn_id = ?", txnId);
  }

  private Optional<String> query(String sql, String parameter) {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        PreparedStatement statement = connection.prepareStatement(sql)) {
      if (parameter != null) {
        statement.setString(1, parameter);
      }
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
