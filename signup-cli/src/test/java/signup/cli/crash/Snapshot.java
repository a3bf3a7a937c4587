package signup.cli.crash;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The three stores as they are, read directly (as an auditor would, trusting no server), while
 * the servers may still be running: SQLite files (WAL lets a reader see the last commit) or
 * PostgreSQL databases alike, each through its read-only connection.
 */
record Snapshot(Map<String, String> clientStatus, Map<String, String> clientEmail,
    Map<String, String> subscriptionStatus, Map<String, LogRow> logByRequestId,
    Map<String, LogRow> logByClientId, int unfinished, int pendingClients,
    int pendingSubscriptions, int reservedBarriers) {

  /** One row of the orchestrator's log. */
  record LogRow(String txnId, String requestId, String state, String clientId) {}

  /** Nothing in flight anywhere: no undecided log row, no pending row, no open reservation. */
  boolean settled() {
    return unfinished == 0 && pendingClients == 0 && pendingSubscriptions == 0
        && reservedBarriers == 0;
  }

  /** What is in the stores, in counts: the message of a wait for them to settle that failed. */
  @Override
  public String toString() {
    return String.format("%d clients, %d subscriptions, %d sign-ups logged; in flight: "
        + "%d unfinished sign-ups, %d pending clients, %d pending subscriptions, "
        + "%d reservations", clientStatus.size(), subscriptionStatus.size(),
        logByRequestId.size(), unfinished, pendingClients, pendingSubscriptions,
        reservedBarriers);
  }

  boolean clientConfirmed(String clientId) {
    return "CONFIRMED".equals(clientStatus.get(clientId));
  }

  boolean subscriptionActive(String clientId) {
    return "ACTIVE".equals(subscriptionStatus.get(clientId));
  }

  /** Any row at all, pending or not, for this client in either participant. */
  boolean anyRowOf(String clientId) {
    return clientStatus.containsKey(clientId) || subscriptionStatus.containsKey(clientId);
  }

  static Snapshot read(Stores stores) {
    Map<String, String> clientStatus = new HashMap<>();
    Map<String, String> clientEmail = new HashMap<>();
    Map<String, String> subscriptionStatus = new HashMap<>();
    Map<String, LogRow> byRequest = new HashMap<>();
    Map<String, LogRow> byClient = new HashMap<>();
    int[] counts = new int[4];
    try (Connection c = stores.client().openReadOnly()) {
      rows(c, "SELECT client_id, status, email FROM clients", rs -> {
        clientStatus.put(rs.getString(1), rs.getString(2));
        clientEmail.put(rs.getString(1), rs.getString(3));
      });
      counts[1] = count(c, "SELECT count(*) FROM clients WHERE status = 'PENDING'");
      counts[3] += count(c, "SELECT count(*) FROM txn_barrier WHERE state = 'RESERVED'");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + stores.client().describe(), e);
    }
    try (Connection c = stores.subscription().openReadOnly()) {
      rows(c, "SELECT client_id, status FROM subscriptions",
          rs -> subscriptionStatus.put(rs.getString(1), rs.getString(2)));
      counts[2] = count(c, "SELECT count(*) FROM subscriptions WHERE status = 'PENDING'");
      counts[3] += count(c, "SELECT count(*) FROM txn_barrier WHERE state = 'RESERVED'");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + stores.subscription().describe(), e);
    }
    try (Connection c = stores.orchestrator().openReadOnly()) {
      rows(c, "SELECT txn_id, request_id, state, client_id FROM signup_txn", rs -> {
        LogRow row = new LogRow(rs.getString(1), rs.getString(2), rs.getString(3),
            rs.getString(4));
        if (row.requestId() != null) {
          byRequest.put(row.requestId(), row);
        }
        if (row.clientId() != null) {
          byClient.put(row.clientId(), row);
        }
      });
      counts[0] = count(c, "SELECT count(*) FROM signup_txn "
          + "WHERE state IN ('TRYING', 'COMMITTING', 'ABORTING')");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + stores.orchestrator().describe(), e);
    }
    return new Snapshot(clientStatus, clientEmail, subscriptionStatus, byRequest, byClient,
        counts[0], counts[1], counts[2], counts[3]);
  }

  private interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  private static void rows(Connection c, String sql, RowReader reader) throws SQLException {
    try (Statement statement = c.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      while (rs.next()) {
        reader.read(rs);
      }
    }
  }

  private static int count(Connection c, String sql) throws SQLException {
    try (Statement statement = c.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }
}
