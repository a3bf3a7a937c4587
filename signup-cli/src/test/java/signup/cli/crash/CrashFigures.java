package signup.cli.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import signup.cli.crash.SignupDriver.Answer;
import signup.cli.crash.SignupDriver.Seen;

/** The figures of all runs of the crash harness together, and their printout. */
final class CrashFigures {
  final CrashHarness.Settings settings;
  int runs;
  int lives;
  int kills;
  /** Kills by service (client, subscription, orchestrator), whichever replica they hit. */
  final Map<String, Integer> killsByService = new TreeMap<>();
  /** How many times a kill left every service with a process down at once. */
  int everyServicePartlyDown;
  /** Kills while sign-ups were still being sent, not after the last one. */
  int killsWhileSending;
  int attempted;
  /** Every run's verdict added up. */
  final Verdict total = new Verdict();
  int auditFailures;
  /** Runs whose stores still held something in flight long after the last kill. */
  int unsettledRuns;
  Duration convergence = Duration.ZERO;
  /** The longest any sign-up stayed undecided or any row pending, seen during the runs. */
  Duration oldestPending = Duration.ZERO;
  String oldestPendingWhat = "";
  Duration elapsed = Duration.ZERO;
  final Map<String, Integer> crashes = new TreeMap<>();
  final Map<Status.Code, Integer> firstAnswers = new TreeMap<>();
  final Map<String, Integer> unknownCauses = new TreeMap<>();
  final List<String> unexpectedExits = new ArrayList<>();

  CrashFigures(CrashHarness.Settings settings) {
    this.settings = settings;
  }

  void add(Verdict verdict, List<Answer> answers) {
    attempted += answers.size();
    total.add(verdict);
    answers.forEach(a -> firstAnswers.merge(a.code(), 1, Integer::sum));
    answers.stream().filter(a -> a.seen() == Seen.UNKNOWN)
        .forEach(a -> unknownCauses.merge(cause(a), 1, Integer::sum));
  }

  /** @param stores which stores were audited, for the message */
  void audit(String stores, ProcessCluster.Audit audit) {
    if (audit.exitCode() != 0) {
      auditFailures++;
      total.problems.add("AUDIT exit " + audit.exitCode() + " for " + stores + ":\n"
          + audit.output());
    }
  }

  /** Run {@code run} still had {@code left} in flight {@code after} the last kill. */
  void unsettled(String run, Duration after, Snapshot left) {
    unsettledRuns++;
    total.problems.add("UNSETTLED " + run + " " + after.toSeconds() + " s after the chaos: "
        + left);
  }

  /** Who could not be reached, in short: "orchestrator", "client-server", ... */
  private static String cause(Answer a) {
    String d = a.description();
    if (d.contains("client-server")) {
      return a.code() + " client-server";
    }
    if (d.contains("subscription-server")) {
      return a.code() + " subscription-server";
    }
    return a.code() + " orchestrator";
  }

  boolean passed() {
    return total.lost == 0 && total.orphans == 0 && total.wrong == 0 && auditFailures == 0
        && unsettledRuns == 0 && unexpectedExits.isEmpty();
  }

  /**
   * What every run of the harness must show: nothing lost, orphaned or contradicted, a clean
   * audit, nothing left in flight once recovery had its time, no process that exited on its
   * own, every planned kill done, and kills that landed on a system that commits (a tenth of
   * the sign-ups committed at least), not only on one that refuses.
   */
  void assertHeld() {
    assertEquals(List.of(), unexpectedExits, report());
    assertEquals(0, total.lost, report());
    assertEquals(0, total.orphans, report());
    assertEquals(0, total.wrong, report());
    assertEquals(0, auditFailures, report());
    assertEquals(0, unsettledRuns, report());
    assertEquals(settings.kills(), kills, report());
    assertTrue(total.acknowledged + total.unknownCommitted >= settings.signups() / 10,
        report());
  }

  String report() {
    int crashPointExits = crashes.values().stream().mapToInt(Integer::intValue).sum();
    StringBuilder s = new StringBuilder();
    s.append(String.format("crash harness, seed %d%n", settings.seed()));
    s.append(String.format("  services             %s%n", settings.mode().describe()));
    s.append(String.format("  runs                 %d (every other one with crash points)%n",
        runs));
    s.append(String.format("  kills (kill -9)      %d %s, %d while sign-ups were sent%n", kills,
        killsByService, killsWhileSending));
    if (settings.mode().replicas > 1) {
      s.append(String.format("  every service down   %d (kills after which a replica of each "
          + "was down at once)%n", everyServicePartlyDown));
    }
    s.append(String.format("  crash-point halts    %d %s%n", crashPointExits, crashes));
    s.append(String.format("  process starts       %d%n", lives));
    s.append(String.format("  sign-ups attempted   %d%n", attempted));
    s.append(String.format("  acknowledged         %d%n", total.acknowledged));
    s.append(String.format("  rejected             %d (ALREADY_EXISTS, INVALID_ARGUMENT)%n",
        total.rejected));
    s.append(String.format("  unknown              %d (re-asked: %d committed, %d aborted)%n",
        total.unknown, total.unknownCommitted, total.unknownAborted));
    s.append(String.format("  lost                 %d%n", total.lost));
    s.append(String.format("  orphans              %d%n", total.orphans));
    s.append(String.format("  contradicted answers %d%n", total.wrong));
    s.append(String.format("  audit                %s%n",
        auditFailures == 0 ? "consistent" : auditFailures + " failed"));
    if (unsettledRuns == 0) {
      s.append(String.format("  time to converge     %.1f s (worst run)%n",
          convergence.toMillis() / 1000.0));
    } else {
      s.append(String.format("  time to converge     never, in %d run(s): see the problems%n",
          unsettledRuns));
    }
    s.append(String.format("  oldest pending row   %.1f s (seen while running: %s)%n",
        oldestPending.toMillis() / 1000.0, oldestPendingWhat));
    s.append(String.format("  first answers        %s%n", firstAnswers));
    s.append(String.format("  unknown because      %s%n", unknownCauses));
    s.append(String.format("  elapsed              %.0f s%n", elapsed.toMillis() / 1000.0));
    if (!unexpectedExits.isEmpty()) {
      s.append("  unexpected exits:\n");
      unexpectedExits.forEach(e -> s.append("    ").append(e).append('\n'));
    }
    if (!total.problems.isEmpty()) {
      s.append("  problems:\n");
      total.problems.forEach(p -> s.append("    ").append(p).append('\n'));
    }
    if (!passed()) {
      s.append(String.format("FAILED. Repeat this run exactly with:%n  %s%n",
          settings.reproduce()));
    }
    return s.toString();
  }
}
