package signup.cli.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import signup.common.fault.CrashPoint;
import signup.common.v1.DeviceType;
import signup.cli.crash.SignupDriver.Answer;
import signup.cli.crash.SignupDriver.Seen;
import signup.orchestrator.v1.SignupRequest;

/**
 * Each named crash point, armed with probability 1 in one process life, halts its service
 * exactly once; sign-ups are sent one at a time until all have fired. A crash before the
 * decision must end in an abort, one after it in a commit, and every sign-up in both files or
 * neither.
 */
class EveryCrashPointTest {
  /** Points after which the sign-up can only have been aborted... */
  private static final Set<String> BEFORE_DECISION = Set.of("orchestrator.after-trying",
      "orchestrator.after-first-reserve", "client.after-reserve-write",
      "subscription.after-reserve-write");
  /** ...and after which it can only have been committed. */
  private static final Set<String> AFTER_DECISION = Set.of("orchestrator.after-committing",
      "orchestrator.after-first-confirm", "client.after-confirm-write",
      "subscription.after-confirm-write");
  private static final Duration WITHIN = Duration.ofSeconds(90);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;
  private ProcessCluster cluster;

  @AfterEach
  void stopProcesses() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void eachCrashPointHaltsItsServiceOnceAndRecoveryDecidesEverySignupOnBothSides() {
    // Life 1 of the orchestrator dies after TRYING, life 2 after the first reserve reply, etc.
    CrashPlan plan = CrashPlan.perLife(Map.of(
        "orchestrator", List.of("orchestrator.after-trying=1",
            "orchestrator.after-first-reserve=1", "orchestrator.after-committing=1",
            "orchestrator.after-first-confirm=1"),
        "client", List.of("client.after-reserve-write=1", "client.after-confirm-write=1"),
        "subscription", List.of("subscription.after-reserve-write=1",
            "subscription.after-confirm-write=1")));
    cluster = new ProcessCluster(dir,
        ProcessCluster.Config.FAST.withCrashPoints(plan).withPasswordHashCost("minimum"), 1)
        .start();
    SignupDriver driver = new SignupDriver(cluster.channel());

    List<Answer> answers = new ArrayList<>();
    Map<String, Set<String>> firedDuring = new HashMap<>();
    for (int i = 0; fired().size() < CrashPoint.values().length; i++) {
      assertTrue(i < 10, "after 10 sign-ups, still not fired: " + fired());
      Set<String> before = fired().keySet();
      Workload.Planned planned = new Workload.Planned(i, request(i), true);
      answers.add(driver.send(planned));
      awaitQuiet();
      Set<String> now = new TreeSet<>(fired().keySet());
      now.removeAll(before);
      firedDuring.put(planned.request().getRequestId(), now);
    }
    Map<String, Answer> reAsked = new HashMap<>();
    for (Answer answer : answers) {
      Answer again = driver.send(answer.planned());
      reAsked.put(answer.planned().request().getRequestId(), again);
      Set<String> points = firedDuring.get(answer.planned().request().getRequestId());
      boolean beforeDecision = points.stream().anyMatch(BEFORE_DECISION::contains);
      boolean afterDecision = points.stream().anyMatch(AFTER_DECISION::contains);
      assertFalse(beforeDecision && afterDecision, "one sign-up cannot pass both: " + points);
      if (beforeDecision || afterDecision) {
        assertEquals(afterDecision, again.seen() == Seen.ACKNOWLEDGED,
            "after " + points + " the re-asked sign-up answered " + again.code());
      }
    }

    assertEquals(allOnce(), fired(), "every point fires exactly once");
    Verdict verdict = Verdict.judge(answers, reAsked, Snapshot.read(cluster.stores()));
    assertEquals(List.of(), verdict.problems);
    ProcessCluster.Audit audit = cluster.audit();
    assertEquals(0, audit.exitCode(), audit.output());
  }

  private Map<String, Integer> fired() {
    Map<String, Integer> all = new TreeMap<>();
    cluster.services().forEach(s -> s.crashPointsFired().forEach(
        (point, n) -> all.merge(point, n, Integer::sum)));
    return all;
  }

  private static Map<String, Integer> allOnce() {
    Map<String, Integer> once = new TreeMap<>();
    for (CrashPoint point : CrashPoint.values()) {
      once.put(point.id(), 1);
    }
    return once;
  }

  /** Every service listening again and nothing in flight: this sign-up has played out. */
  private void awaitQuiet() {
    cluster.awaitAllReady(WITHIN);
    Awaitility.await("settled").atMost(WITHIN).pollInterval(Duration.ofMillis(100))
        .until(() -> Snapshot.read(cluster.stores()).settled() && cluster.allReady());
  }

  private static SignupRequest request(int i) {
    return SignupRequest.newBuilder()
        .setRequestId(UUID.randomUUID().toString())
        .setEmail("point-" + i + "@crash.example")
        .setName("Crash Point " + i)
        .setPassword(Workload.PASSWORD)
        .setRegion("US")
        .setDevice(DeviceType.ANDROID)
        .build();
  }
}
