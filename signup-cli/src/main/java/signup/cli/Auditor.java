package signup.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import signup.common.store.DatabaseLocation;

/**
 * Checks the invariant straight from the three databases, trusting no server: confirmed
 * clients and active subscriptions match one to one, and no pending row (participant or
 * orchestrator) is older than the allowed age. Each database is read on its own connection,
 * SQLite file or PostgreSQL database alike (they may be on three servers), and the two sides
 * are compared here.
 *
 * @param orchestrator null when there is no log to check (a SQLite file not made yet)
 */
record Auditor(DatabaseLocation clients, DatabaseLocation subscriptions,
    DatabaseLocation orchestrator, Duration maxPendingAge) {
  /** What the audit found; consistent when every list is empty. */
  record Report(int confirmedClients, int activeSubscriptions, List<String> clientsWithoutSubscription,
      List<String> subscriptionsWithoutClient, List<String> stalePendingClients,
      List<String> stalePendingSubscriptions, List<String> unfinishedSignups) {
    boolean consistent() {
      return clientsWithoutSubscription.isEmpty() && subscriptionsWithoutClient.isEmpty()
          && stalePendingClients.isEmpty() && stalePendingSubscriptions.isEmpty()
          && unfinishedSignups.isEmpty();
    }
  }

  Report run(Instant now) throws SQLException {
    long cutoff = now.minus(maxPendingAge).toEpochMilli();
    Set<String> confirmed;
    List<String> staleClients;
    try (Connection c = clients.openReadOnly()) {
      confirmed = new TreeSet<>(ids(c,
          "SELECT client_id FROM clients WHERE status = 'CONFIRMED'"));
      staleClients = ids(c, "SELECT client_id FROM clients WHERE status = 'PENDING'"
          + " AND created_at < ? ORDER BY client_id", cutoff);
    }
    Set<String> active;
    List<String> staleSubscriptions;
    try (Connection c = subscriptions.openReadOnly()) {
      active = new TreeSet<>(ids(c,
          "SELECT client_id FROM subscriptions WHERE status = 'ACTIVE'"));
      staleSubscriptions = ids(c, "SELECT client_id FROM subscriptions WHERE status = 'PENDING'"
          + " AND created_at < ? ORDER BY client_id", cutoff);
    }
    List<String> unfinished = new ArrayList<>();
    if (orchestrator != null) {
      try (Connection c = orchestrator.openReadOnly()) {
        unfinished = ids(c, """
            SELECT txn_id FROM signup_txn
            WHERE state IN ('TRYING', 'COMMITTING', 'ABORTING') AND updated_at < ?
            ORDER BY txn_id""", cutoff);
      }
    }
    return new Report(confirmed.size(), active.size(), missingFrom(confirmed, active),
        missingFrom(active, confirmed), staleClients, staleSubscriptions, unfinished);
  }

  /** The ids of {@code these} that {@code those} lacks, in order. */
  private static List<String> missingFrom(Set<String> these, Set<String> those) {
    return these.stream().filter(id -> !those.contains(id)).toList();
  }

  private static List<String> ids(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement statement = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        statement.setObject(i + 1, args[i]);
      }
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    }
  }
}
