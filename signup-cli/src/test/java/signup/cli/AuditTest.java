package signup.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import signup.cli.SignupCli;
import signup.orchestrator.SignupSystem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code signup audit} on the files real sign-ups left, with the servers stopped; then on
 * copies doctored with plain JDBC into each kind of inconsistency.
 */
class AuditTest {
  @TempDir static Path pristine;
  static String adaClientId;
  static String bobClientId;

  @TempDir Path dataDir;

  /** Two real sign-ups, once for the class; each test audits its own copy of the files. */
  @BeforeAll
  static void signUpTwoClientsAndStopTheServers() {
    try (SignupSystem system = SignupSystem.startAll(pristine)) {
      adaClientId = system.signups().signup(SignupSystem.request("ada@example.com"))
          .getClient().getClientId();
      bobClientId = system.signups().signup(SignupSystem.request("bob@example.com"))
          .getClient().getClientId();
    }
  }

  @BeforeEach
  void copyTheFiles() throws IOException {
    try (Stream<Path> files = Files.list(pristine)) {
      for (Path file : files.toList()) {
        Files.copy(file, dataDir.resolve(file.getFileName()));
      }
    }
  }

  record Run(int exitCode, String out, String err) {}

  private static Run audit(Path dir, String... extra) {
    CommandLine cli = SignupCli.commandLine(new ByteArrayInputStream(new byte[0]));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] args = Stream.concat(Stream.of("audit", "--data-dir", dir.toString()),
        Stream.of(extra)).toArray(String[]::new);
    return new Run(cli.execute(args), out.toString(), err.toString());
  }

  private Run audit(String... extra) {
    return audit(dataDir, extra);
  }

  private void sql(String dbFile, String statement, Object... args) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(dbFile));
        PreparedStatement s = c.prepareStatement(statement)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      assertEquals(1, s.executeUpdate(), statement);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void insertClient(String clientId, String status, Instant createdAt) {
    sql("client.db", """
        INSERT INTO clients (client_id, txn_id, email, name, password_hash, region, device,
          status, created_at)
        VALUES (?, ?, ?, 'Eve', '$pbkdf2-sha256$x', 'US', 'IOS', ?, ?)""",
        clientId, "txn-" + clientId, clientId + "@example.com", status,
        createdAt.toEpochMilli());
  }

  private static String lastLine(String text) {
    List<String> lines = text.lines().toList();
    return lines.get(lines.size() - 1);
  }

  private static void assertInconsistentNaming(Run run, String id) {
    assertEquals(7, run.exitCode(), run.toString());
    assertEquals("INCONSISTENT", lastLine(run.out()), run.out());
    assertTrue(run.out().contains("  " + id), id + " not listed in: " + run.out());
  }

  @Test
  void theFilesOfRealSignupsAreConsistent() {
    Run run = audit();

    assertEquals(0, run.exitCode(), run.toString());
    assertEquals("consistent", lastLine(run.out()), run.out());
    assertTrue(run.out().contains("confirmed clients:               2"), run.out());
    assertTrue(run.out().contains("active subscriptions:            2"), run.out());
    assertEquals("", run.err());
  }

  @Test
  void aConfirmedClientWhoseSubscriptionIsGoneIsReported() {
    sql("subscription.db", "DELETE FROM subscriptions WHERE client_id = ?", adaClientId);

    Run run = audit();

    assertInconsistentNaming(run, adaClientId);
    assertTrue(run.out().contains("clients without a subscription:  1"), run.out());
    assertFalse(run.out().contains(bobClientId), run.out());
  }

  @Test
  void aConfirmedClientThatNeverHadASubscriptionIsReported() {
    insertClient("eve-confirmed", "CONFIRMED", Instant.now());

    Run run = audit();

    assertInconsistentNaming(run, "eve-confirmed");
    assertTrue(run.out().contains("clients without a subscription:  1"), run.out());
  }

  @Test
  void anActiveSubscriptionWhoseClientIsGoneIsReported() {
    sql("client.db", "DELETE FROM clients WHERE client_id = ?", bobClientId);

    Run run = audit();

    assertInconsistentNaming(run, bobClientId);
    assertTrue(run.out().contains("subscriptions without a client:  1"), run.out());
  }

  @Test
  void aPendingClientOlderThanTheAllowedAgeIsReported() {
    insertClient("eve-pending", "PENDING", Instant.now().minus(Duration.ofHours(1)));

    Run run = audit();

    assertInconsistentNaming(run, "eve-pending");
    assertTrue(run.out().contains("stale pending clients:           1"), run.out());
  }

  @Test
  void aPendingClientYoungerThanTheAllowedAgeIsNotAnInconsistency() {
    insertClient("eve-pending", "PENDING", Instant.now());

    Run run = audit();

    assertEquals(0, run.exitCode(), run.toString());
    assertEquals("consistent", lastLine(run.out()), run.out());
  }

  @Test
  void theAllowedPendingAgeIsTheOneGiven() {
    insertClient("eve-pending", "PENDING", Instant.now().minus(Duration.ofMinutes(10)));

    assertEquals(0, audit("--max-pending-age", "PT1H").exitCode());
    assertEquals(7, audit("--max-pending-age", "PT5M").exitCode());
  }

  @Test
  void anUnfinishedSignupInTheOrchestratorLogIsReported() {
    long anHourAgo = Instant.now().minus(Duration.ofHours(1)).toEpochMilli();
    sql("orchestrator.db", """
        INSERT INTO signup_txn (txn_id, state, created_at, updated_at, deadline_at)
        VALUES ('txn-stuck', 'COMMITTING', ?, ?, ?)""", anHourAgo, anHourAgo, anHourAgo);

    Run run = audit();

    assertInconsistentNaming(run, "txn-stuck");
    assertTrue(run.out().contains("unfinished sign-ups:             1"), run.out());
  }

  @Test
  void jsonReportsConsistentTrueForRealSignups() {
    Run run = audit("--json");

    assertEquals(0, run.exitCode(), run.toString());
    JsonObject report = JsonParser.parseString(run.out()).getAsJsonObject();
    assertTrue(report.get("consistent").getAsBoolean());
    assertEquals(2, report.get("confirmedClients").getAsInt());
  }

  @Test
  void jsonReportsConsistentFalseAndTheOffendingClient() {
    sql("subscription.db", "DELETE FROM subscriptions WHERE client_id = ?", adaClientId);

    Run run = audit("--json");

    assertEquals(7, run.exitCode(), run.toString());
    JsonObject report = JsonParser.parseString(run.out()).getAsJsonObject();
    assertFalse(report.get("consistent").getAsBoolean());
    JsonArray orphans = report.getAsJsonArray("clientsWithoutSubscription");
    assertEquals(1, orphans.size());
    assertEquals(adaClientId, orphans.get(0).getAsString());
  }

  @Test
  void aMissingDataDirectoryFailsWithExitOneAndSaysWhatIsMissing() {
    Path missing = dataDir.resolve("no-such-dir");

    Run run = audit(missing);

    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(run.err().startsWith("error: cannot audit"), run.err());
    assertTrue(run.err().contains("no client.db"), run.err());
    assertTrue(run.err().contains("no-such-dir"), run.err());
    assertFalse(Files.exists(missing), "the audit must not create the directory");
    assertEquals("", run.out());
  }
}
