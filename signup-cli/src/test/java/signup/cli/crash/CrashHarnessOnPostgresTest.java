package signup.cli.crash;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill -9 loop on PostgreSQL: two replicas of each service as real processes on one
 * PostgreSQL server, a database per service, sign-ups sent to the list of both orchestrators,
 * and replicas of any service killed -9 (now and then one of every service at once, or both of
 * one). Then recovery converges, and the databases themselves show nothing acknowledged lost,
 * nothing refused left behind, nothing pending. Short and seeded in CI; the same
 * {@code crash.*} properties as {@link CrashHarnessTest} make it longer or repeat a seed.
 */
class CrashHarnessOnPostgresTest {
  /** The CI run's seed: fixed, so that CI runs the same plan every time. */
  private static final long CI_SEED = 20_261_201L;

  // Kept when the test fails: each process life's log is in <dir>/run-N/logs.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path workDir;

  @Test
  void killedReplicasOnPostgresLoseNoAcknowledgedSignupAndLeaveNoOrphans() {
    CrashFigures figures = CrashHarness.runAndReport(CrashHarness.Settings.fromSystemProperties(
        CrashHarness.Mode.POSTGRES_REPLICAS, CI_SEED, 1, 160, 6), workDir);

    figures.assertHeld();
    for (String service : ProcessCluster.SERVICES) {
      assertTrue(figures.killsByService.getOrDefault(service, 0) >= figures.runs,
          "every service killed in every run: " + figures.report());
    }
    assertTrue(figures.everyServicePartlyDown >= figures.runs,
        "a replica of every service down at once in every run: " + figures.report());
  }
}
