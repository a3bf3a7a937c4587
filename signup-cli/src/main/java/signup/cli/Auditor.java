package signup.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the invariant straight from the three SQLite files, trusting no server: confirmed
 * clients and active subscriptions match one to one, and no pending row (participant or
 * orchestrator) is older than the allowed age.
 */
final class Auditor {
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

  private final Path dataDir;
  private final Duration maxPendingAge;

  Auditor(Path dataDir, Duration maxPendingAge) {
    this.dataDir = dataDir;
    this.maxPendingAge = maxPendingAge;
  }

  Report run(Instant now) throws SQLException {
    long cutoff = now.minus(maxPendingAge).toEpochMilli();
    Path clientDb = require("client.db");
    Path subscriptionDb = require("subscription.db");
    Path orchestratorDb = dataDir.resolve("orchestrator.db");
    try (Connection c = open(clientDb)) {
      // Both participant files in one connection, so the comparison is one query each way.
      attach(c, subscriptionDb, "sub");
      int clients = count(c, "SELECT count(*) FROM main.clients WHERE status = 'CONFIRMED'");
      int subscriptions = count(c,
          "SELECT count(*) FROM sub.subscriptions WHERE status = 'ACTIVE'");
      List<String> orphanClients = ids(c, """
          SELECT client_id FROM main.clients WHERE status = 'CONFIRMED'
            AND client_id NOT IN (SELECT client_id FROM sub.subscriptions WHERE status = 'ACTIVE')
          ORDER BY client_id""");
      List<String> orphanSubscriptions = ids(c, """
          SELECT client_id FROM sub.subscriptions WHERE status = 'ACTIVE'
            AND client_id NOT IN (SELECT client_id FROM main.clients WHERE status = 'CONFIRMED')
          ORDER BY client_id""");
      List<String> staleClients = ids(c,
          "SELECT client_id FROM main.clients WHERE status = 'PENDING' AND created_at < ?",
          cutoff);
      List<String> staleSubscriptions = ids(c,
          "SELECT client_id FROM sub.subscriptions WHERE status = 'PENDING' AND created_at < ?",
          cutoff);
      List<String> unfinished = new ArrayList<>();
      if (Files.exists(orchestratorDb)) {
        attach(c, orchestratorDb, "orch");
        unfinished = ids(c, """
            SELECT txn_id FROM orch.signup_txn
            WHERE state IN ('TRYING', 'COMMITTING', 'ABORTING') AND updated_at < ?""", cutoff);
      }
      return new Report(clients, subscriptions, orphanClients, orphanSubscriptions, staleClients,
          staleSubscriptions, unfinished);
    }
  }

  private Path require(String file) throws SQLException {
    Path path = dataDir.resolve(file);
    if (!Files.isRegularFile(path)) {
      throw new SQLException("no " + file + " in " + dataDir.toAbsolutePath());
    }
    return path;
  }

  private static Connection open(Path file) throws SQLException {
    // Not a read-only open: SQLite may need to create a WAL's -shm file even to read it.
    // query_only makes sure the audit never writes.
    Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout = 10000");
      statement.execute("PRAGMA query_only = true");
    }
    return connection;
  }

  private static void attach(Connection c, Path file, String schema) throws SQLException {
    try (PreparedStatement attach = c.prepareStatement("ATTACH DATABASE ? AS " + schema)) {
      attach.setString(1, file.toAbsolutePath().toString());
      attach.execute();
    }
  }

  private static int count(Connection c, String sql) throws SQLException {
    try (PreparedStatement statement = c.prepareStatement(sql);
        ResultSet rs = statement.executeQuery()) {
      return rs.next() ? rs.getInt(1) : 0;
    }
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
