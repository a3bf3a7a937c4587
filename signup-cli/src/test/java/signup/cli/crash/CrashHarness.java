package signup.cli.crash;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import signup.cli.crash.SignupDriver.Answer;
import signup.cli.crash.SignupDriver.Seen;

/**
 * The kill -9 loop: per run, the three services as real processes on a fresh data directory,
 * concurrent sign-ups, and a service killed -9 at planned sign-ups (plus, on every other run,
 * crash points firing inside the services); then a recovery period, a re-ask of every unknown
 * outcome, and the verdict from the SQLite files and {@code signup audit}.
 */
final class CrashHarness {
  /** Every crash point, each firing now and then: at most a few times per hundred sign-ups. */
  static final String CRASH_POINTS = String.join(",",
      "orchestrator.after-trying=0.01", "orchestrator.after-first-reserve=0.01",
      "orchestrator.after-committing=0.01", "orchestrator.after-first-confirm=0.01",
      "client.after-reserve-write=0.01", "client.after-confirm-write=0.01",
      "subscription.after-reserve-write=0.01", "subscription.after-confirm-write=0.01");
  private static final Duration READY_WITHIN = Duration.ofMinutes(2);

  /** What to run; every random choice comes from {@code seed}. */
  record Settings(long seed, int runs, int signups, int kills, int concurrency) {
    static Settings fromSystemProperties(int signups, int kills) {
      return new Settings(
          Long.getLong("crash.seed", new Random().nextLong()),
          Integer.getInteger("crash.runs", 2),
          Integer.getInteger("crash.signups", signups),
          Integer.getInteger("crash.kills", kills),
          Integer.getInteger("crash.concurrency", 8));
    }

    String reproduce() {
      return String.format("mvn -B -o verify -pl signup-cli -am "
          + "-Dsurefire.failIfNoSpecifiedTests=false -Dtest=CrashHarnessTest -Dcrash.seed=%d "
          + "-Dcrash.runs=%d -Dcrash.signups=%d -Dcrash.kills=%d -Dcrash.concurrency=%d",
          seed, runs, signups, kills, concurrency);
    }
  }

  private CrashHarness() {}

  static CrashFigures run(Settings settings, Path workDir, PrintWriter out) {
    Random seeds = new Random(settings.seed());
    CrashFigures figures = new CrashFigures(settings);
    long started = System.nanoTime();
    for (int r = 0; r < settings.runs(); r++) {
      int signups = share(settings.signups(), settings.runs(), r);
      int kills = share(settings.kills(), settings.runs(), r);
      boolean withCrashPoints = r % 2 == 1;
      out.printf("run %d/%d: %d sign-ups, %d kills%s%n", r + 1, settings.runs(), signups, kills,
          withCrashPoints ? ", crash points on" : "");
      out.flush();
      runOnce("r" + r, seeds.nextLong(), signups, kills, settings.concurrency(),
          withCrashPoints ? CRASH_POINTS : "", workDir.resolve("run-" + r), figures);
    }
    figures.elapsed = Duration.ofNanos(System.nanoTime() - started);
    return figures;
  }

  private static void runOnce(String name, long seed, int signups, int kills, int concurrency,
      String crashPoints, Path dir, CrashFigures figures) {
    Workload workload = Workload.draw(seed, name, signups, kills);
    figures.runs++;
    // The hash's cost is beside the point here; cheap hashes let more sign-ups through.
    ProcessCluster.Config config = ProcessCluster.Config.FAST
        .withCrashPoints(CrashPlan.always(crashPoints)).withPasswordHashCost("minimum");
    try (ProcessCluster cluster = new ProcessCluster(dir, config, seed).start();
        Chaos chaos = new Chaos(cluster);
        PendingWatch pending = new PendingWatch(cluster.dataDir)) {
      SignupDriver driver = new SignupDriver(cluster.channel());
      List<Answer> answers = driver.sendAll(workload.signups(), concurrency,
          i -> {
            String victim = workload.killsAt().get(i);
            if (victim != null) {
              chaos.kill(victim);
            }
          },
          () -> cluster.awaitAllReady(READY_WITHIN), chaos::acknowledged);
      chaos.finish(READY_WITHIN);

      // Recovery: everything listening again, then nothing left in flight anywhere.
      long chaosOver = System.nanoTime();
      cluster.awaitAllReady(READY_WITHIN);
      awaitSettled(cluster);
      Duration converged = Duration.ofNanos(System.nanoTime() - chaosOver);
      figures.convergence = max(figures.convergence, converged);

      cluster.disarmCrashPoints();
      awaitSettled(cluster);
      Map<String, Answer> reAsked = new ConcurrentHashMap<>();
      List<Workload.Planned> unknown = answers.stream()
          .filter(a -> a.seen() == Seen.UNKNOWN).map(Answer::planned).toList();
      for (Answer again : driver.sendAll(unknown, concurrency, i -> { }, () -> { }, () -> { })) {
        reAsked.put(again.planned().request().getRequestId(), again);
      }
      awaitSettled(cluster);

      if (pending.oldestSeen().compareTo(figures.oldestPending) > 0) {
        figures.oldestPending = pending.oldestSeen();
        figures.oldestPendingWhat = name + ": " + pending.oldestWhat();
      }
      figures.add(Verdict.judge(answers, reAsked, Snapshot.read(cluster.dataDir)), answers);
      figures.audit(cluster.dataDir, cluster.audit());
      for (SupervisedService service : cluster.services()) {
        figures.lives += service.lives();
        figures.kills += service.kills();
        service.crashPointsFired().forEach((p, n) -> figures.crashes.merge(p, n, Integer::sum));
        figures.unexpectedExits.addAll(service.unexpectedExits());
      }
    }
  }

  private static void awaitSettled(ProcessCluster cluster) {
    Awaitility.await("no sign-up, pending row or reservation left in flight")
        .atMost(READY_WITHIN).pollInterval(Duration.ofMillis(200))
        .until(() -> Snapshot.read(cluster.dataDir).settled());
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static int share(int total, int parts, int index) {
    return total / parts + (index < total % parts ? 1 : 0);
  }
}
