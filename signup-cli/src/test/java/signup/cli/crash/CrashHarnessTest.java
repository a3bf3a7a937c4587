package signup.cli.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes, real kill -9, real crash points: nothing acknowledged is lost, nothing refused
 * exists, nothing is left half-done. Short and seeded in CI; long with system properties:
 * {@code -Dcrash.signups=2000 -Dcrash.kills=100} (see RELIABILITY.md), and
 * {@code -Dcrash.seed=N} repeats a run.
 */
class CrashHarnessTest {
  /** The CI run's seed: fixed, so that CI runs the same plan every time. */
  private static final long CI_SEED = 20_250_601L;

  // Kept when the test fails: each process life's log is in <dir>/run-N/logs.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path workDir;

  @Test
  void killedServicesLoseNoAcknowledgedSignupAndLeaveNoOrphans() {
    CrashHarness.Settings defaults = CrashHarness.Settings.fromSystemProperties(300, 16);
    CrashHarness.Settings settings = System.getProperty("crash.seed") == null
        ? new CrashHarness.Settings(CI_SEED, defaults.runs(), defaults.signups(),
            defaults.kills(), defaults.concurrency())
        : defaults;
    PrintWriter out = new PrintWriter(System.out, true);

    CrashFigures figures = CrashHarness.run(settings, workDir, out);
    out.println(figures.report());
    out.println("process logs (kept if this test fails): " + workDir);

    assertEquals(List.of(), figures.unexpectedExits, figures.report());
    assertEquals(0, figures.total.lost, figures.report());
    assertEquals(0, figures.total.orphans, figures.report());
    assertEquals(0, figures.total.wrong, figures.report());
    assertEquals(0, figures.auditFailures, figures.report());
    assertEquals(settings.kills(), figures.kills, figures.report());
    // Kills must land on a system that commits, not only on one that refuses.
    assertTrue(
        figures.total.acknowledged + figures.total.unknownCommitted >= settings.signups() / 10,
        figures.report());
  }
}
