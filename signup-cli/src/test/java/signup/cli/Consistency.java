package signup.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import signup.cli.SignupCli;
import signup.orchestrator.SignupSystem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The outcome of a sign-up as the SQLite files tell it, read directly and trusting no server:
 * a client and its subscription, both confirmed, or neither; and {@code signup audit}.
 */
final class Consistency {
  private Consistency() {}

  /** The sign-up of {@code email} left no row at all, nor an undecided reservation. */
  static void assertNeither(SignupSystem system, String email) {
    assertEquals(0, system.query("client.db",
        "SELECT count(*) FROM clients WHERE email = '" + email + "'"), "clients of " + email);
    assertEquals(0, system.subscriptionRows(), "subscriptions");
    assertNoReservationLeft(system);
  }

  /** The sign-up of {@code email} made a confirmed client and its active subscription. */
  static void assertBoth(SignupSystem system, String email) {
    assertEquals(1, system.query("client.db", "SELECT count(*) FROM clients WHERE email = '"
        + email + "' AND status = 'CONFIRMED'"), "confirmed clients of " + email);
    assertEquals(system.clientRows(), system.subscriptionRows(), "one subscription a client");
    assertEquals(system.subscriptionRows(), system.query("subscription.db",
        "SELECT count(*) FROM subscriptions WHERE status = 'ACTIVE'"), "every one active");
    assertNoReservationLeft(system);
  }

  private static void assertNoReservationLeft(SignupSystem system) {
    for (String file : new String[] {"client.db", "subscription.db"}) {
      assertEquals(0, system.query(file,
          "SELECT count(*) FROM txn_barrier WHERE state = 'RESERVED'"), "reservations in " + file);
    }
  }

  /**
   * {@code signup audit} at its strictest, once recovery has run: no pending row and no
   * unfinished sign-up of any age, and confirmed clients and subscriptions one to one.
   */
  static void assertAuditPasses(Path dataDir) {
    CommandLine cli = SignupCli.commandLine(new ByteArrayInputStream(new byte[0]));
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));

    int exitCode = cli.execute("audit", "--data-dir", dataDir.toString(),
        "--max-pending-age", "PT0S");

    assertEquals(0, exitCode, "signup audit:\n" + out);
  }
}
