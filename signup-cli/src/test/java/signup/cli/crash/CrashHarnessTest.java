package signup.cli.crash;

import java.nio.file.Path;
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
    CrashHarness.runAndReport(CrashHarness.Settings.fromSystemProperties(
        CrashHarness.Mode.SQLITE, CI_SEED, 2, 300, 16), workDir).assertHeld();
  }
}
