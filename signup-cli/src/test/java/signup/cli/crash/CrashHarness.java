package signup.cli.crash;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import signup.common.store.TestPostgres;
import signup.cli.crash.SignupDriver.Answer;
import signup.cli.crash.SignupDriver.Seen;

/**
 * The kill -9 loop: per run, the three services as real processes on fresh stores (one of each
 * on SQLite files, or two replicas of each on PostgreSQL databases), concurrent sign-ups, and
 * processes killed -9 at planned sign-ups (plus, on every other run, crash points firing inside
 * the services); then a recovery period, a re-ask of every unknown outcome, and the verdict
 * from the stores themselves and {@code signup audit}.
 */
final class CrashHarness {
  /** Every crash point, each firing now and then: at most a few times per hundred sign-ups. */
  static final String CRASH_POINTS = String.join(",",
      "orchestrator.after-trying=0.01", "orchestrator.after-first-reserve=0.01",
      "orchestrator.after-committing=0.01", "orchestrator.after-first-confirm=0.01",
      "client.after-reserve-write=0.01", "client.after-confirm-write=0.01",
      "subscription.after-reserve-write=0.01", "subscription.after-confirm-write=0.01");
  private static final Duration READY_WITHIN = Duration.ofMinutes(2);

  /** Where the services run, and the test that runs the harness so. */
  enum Mode {
    /** One process of each service, on SQLite files in a data directory of the run's. */
    SQLITE("CrashHarnessTest", 1),
    /**
     * Two replicas of each service on one PostgreSQL server (the tests' own, started once per
     * JVM), a fresh database per service and run; the sign-ups go to the list of orchestrators.
     */
    POSTGRES_REPLICAS("CrashHarnessOnPostgresTest", 2);

    final String test;
    final int replicas;

    Mode(String test, int replicas) {
      this.test = test;
      this.replicas = replicas;
    }

    ProcessCluster cluster(Path dir, ProcessCluster.Config config, long seed) {
      return this == SQLITE ? new ProcessCluster(dir, config, seed)
          : new ProcessCluster(dir, config, seed, Stores.postgres(TestPostgres.shared()),
              replicas);
    }

    String describe() {
      return this == SQLITE ? "one process of each service on SQLite files"
          : replicas + " replicas of each service on PostgreSQL";
    }
  }

  /** What to run; every random choice comes from {@code seed}. */
  record Settings(Mode mode, long seed, int runs, int signups, int kills, int concurrency) {
    /**
     * The given defaults, each replaced by its system property when set: {@code crash.seed},
     * {@code crash.runs}, {@code crash.signups}, {@code crash.kills}, {@code crash.concurrency}.
     */
    static Settings fromSystemProperties(Mode mode, long seed, int runs, int signups,
        int kills) {
      return new Settings(mode,
          Long.getLong("crash.seed", seed),
          Integer.getInteger("crash.runs", runs),
          Integer.getInteger("crash.signups", signups),
          Integer.getInteger("crash.kills", kills),
          Integer.getInteger("crash.concurrency", 8));
    }

    String reproduce() {
      return String.format("mvn -B -o verify -pl signup-cli -am "
          + "-Dsurefire.failIfNoSpecifiedTests=false -Dtest=%s -Dcrash.seed=%d "
          + "-Dcrash.runs=%d -Dcrash.signups=%d -Dcrash.kills=%d -Dcrash.concurrency=%d",
          mode.test, seed, runs, signups, kills, concurrency);
    }
  }

  private CrashHarness() {}

  /**
   * Runs the harness as a test does, printing on standard output each run as it goes, then the
   * figures and where the process logs are (kept by the test when it fails).
   */
  static CrashFigures runAndReport(Settings settings, Path workDir) {
    PrintWriter out = new PrintWriter(System.out, true);
    CrashFigures figures = run(settings, workDir, out);
    out.println(figures.report());
    out.println("process logs (kept if this test fails): " + workDir);
    return figures;
  }

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
      runOnce(settings.mode(), "r" + r, seeds.nextLong(), signups, kills,
          settings.concurrency(), withCrashPoints ? CRASH_POINTS : "",
          workDir.resolve("run-" + r), figures, out);
    }
    figures.elapsed = Duration.ofNanos(System.nanoTime() - started);
    return figures;
  }

  private static void runOnce(Mode mode, String name, long seed, int signups, int kills,
      int concurrency, String crashPoints, Path dir, CrashFigures figures, PrintWriter out) {
    Workload workload = Workload.draw(seed, name, signups, kills, mode.replicas);
    figures.runs++;
    // The hash's cost is beside the point here; cheap hashes let more sign-ups through.
    ProcessCluster.Config config = ProcessCluster.Config.FAST
        .withCrashPoints(CrashPlan.always(crashPoints)).withPasswordHashCost("minimum");
    long started = System.nanoTime();
    try (ProcessCluster cluster = mode.cluster(dir, config, seed).start();
        Chaos chaos = new Chaos(cluster);
        PendingWatch pending = new PendingWatch(cluster.stores())) {
      long sending = System.nanoTime();
      SignupDriver driver = new SignupDriver(cluster.channel());
      // A sender waits until a replica of every service listens, as a client retries a refused
      // connection; with replicas the survivors take the sign-ups while the others restart.
      List<Answer> answers = driver.sendAll(workload.signups(), concurrency,
          i -> {
            List<String> victims = workload.killsAt().get(i);
            if (victims != null) {
              chaos.kill(victims);
            }
          },
          () -> cluster.awaitAvailable(READY_WITHIN), chaos::acknowledged);
      chaos.finish(READY_WITHIN);
      figures.everyServicePartlyDown += chaos.everyServicePartlyDown();
      figures.killsWhileSending += chaos.killsWhileSending();

      // Recovery: everything listening again, then nothing left in flight anywhere. A run that
      // does not get there is judged all the same: the verdict says what was left, and where.
      long chaosOver = System.nanoTime();
      cluster.awaitAllReady(READY_WITHIN);
      boolean settled = awaitSettled(cluster, name, figures);
      Duration converged = Duration.ofNanos(System.nanoTime() - chaosOver);
      if (settled) {
        figures.convergence = max(figures.convergence, converged);
      }

      cluster.disarmCrashPoints();
      settled = settled && awaitSettled(cluster, name, figures);
      Map<String, Answer> reAsked = new ConcurrentHashMap<>();
      List<Workload.Planned> unknown = answers.stream()
          .filter(a -> a.seen() == Seen.UNKNOWN).map(Answer::planned).toList();
      for (Answer again : driver.sendAll(unknown, concurrency, i -> { }, () -> { }, () -> { })) {
        reAsked.put(again.planned().request().getRequestId(), again);
      }
      if (settled) {
        awaitSettled(cluster, name, figures);
      }
      out.printf("  started in %s, sent in %s, converged in %s, re-asked in %s%n",
          seconds(sending - started), seconds(chaosOver - sending), seconds(converged.toNanos()),
          seconds(System.nanoTime() - chaosOver - converged.toNanos()));
      out.flush();

      if (pending.oldestSeen().compareTo(figures.oldestPending) > 0) {
        figures.oldestPending = pending.oldestSeen();
        figures.oldestPendingWhat = name + ": " + pending.oldestWhat();
      }
      figures.add(Verdict.judge(answers, reAsked, Snapshot.read(cluster.stores())), answers);
      figures.audit(cluster.stores().toString(), cluster.audit());
      for (SupervisedService service : cluster.services()) {
        figures.lives += service.lives();
        figures.kills += service.kills();
        figures.killsByService.merge(service.kind(), service.kills(), Integer::sum);
        service.crashPointsFired().forEach((p, n) -> figures.crashes.merge(p, n, Integer::sum));
        figures.unexpectedExits.addAll(service.unexpectedExits());
      }
    }
  }

  /** True once nothing is in flight; false, with what was left noted, when it takes too long. */
  private static boolean awaitSettled(ProcessCluster cluster, String run,
      CrashFigures figures) {
    try {
      Awaitility.await("no sign-up, pending row or reservation left in flight")
          .atMost(READY_WITHIN).pollInterval(Duration.ofMillis(200))
          .until(() -> Snapshot.read(cluster.stores()).settled());
      return true;
    } catch (ConditionTimeoutException e) {
      figures.unsettled(run, READY_WITHIN, Snapshot.read(cluster.stores()));
      return false;
    }
  }

  private static String seconds(long nanos) {
    return String.format("%.1f s", nanos / 1e9);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static int share(int total, int parts, int index) {
    return total / parts + (index < total % parts ? 1 : 0);
  }
}
