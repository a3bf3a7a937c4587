package signup.cli.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load held: the three services as processes at -Xmx256m with production settings (OWASP
 * password hashing, default timings), closed-loop sign-ups for {@code -Dsoak.seconds} (20 in
 * CI; RELIABILITY.md records a 120 s run). Only the planted duplicates may fail, the heap after
 * a full GC stays flat, and the files audit clean.
 */
class SoakTest {
  /**
   * Growth allowed between the heap at rest before the load and at rest after it (both after a
   * full GC): caches, pools and JIT-era objects fill once, a leak grows with every sign-up.
   */
  private static final long HEAP_GROWTH_ALLOWED_KIB = 16 * 1024;
  private static final int SAMPLES = 4;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;
  private ProcessCluster cluster;
  private ScheduledExecutorService sampler;

  @AfterEach
  void stop() {
    if (sampler != null) {
      sampler.shutdownNow();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void sustainedSignupsFailOnlyAsPlantedDuplicatesWithFlatHeapsAndConsistentFiles() {
    Duration duration = Duration.ofSeconds(Long.getLong("soak.seconds", 20));
    int concurrency = Integer.getInteger("soak.concurrency", 6);
    long seed = Long.getLong("soak.seed", 7);
    cluster = new ProcessCluster(dir, ProcessCluster.Config.PRODUCTION, seed).start();
    SoakLoad load = new SoakLoad(cluster.channel(), seed);

    // Heap after a full GC: at rest, at 1/4, 2/4, 3/4 and the end of the load, at rest again.
    // Under load the client's figure includes the hashes in progress (about 20 MiB each).
    Map<String, List<Long>> heaps = new TreeMap<>();
    cluster.services().forEach(s -> heaps.put(s.service(), new CopyOnWriteArrayList<>()));
    Runnable sample = () -> cluster.services().forEach(s -> heaps.get(s.service())
        .add(HeapSampler.usedAfterFullGcKiB(s.pid().orElseThrow())));
    sample.run();
    sampler = Executors.newSingleThreadScheduledExecutor();
    long started = System.nanoTime();
    long end = started + duration.toNanos();
    for (int k = 1; k <= SAMPLES; k++) {
      long at = duration.toMillis() * k / SAMPLES - (k == SAMPLES ? 500 : 0);
      sampler.schedule(sample, at, TimeUnit.MILLISECONDS);
    }
    load.run(concurrency, end);
    double seconds = (System.nanoTime() - started) / 1e9;
    Awaitility.await("heap samples under load").atMost(Duration.ofMinutes(1))
        .until(() -> heaps.values().stream().allMatch(h -> h.size() == SAMPLES + 1));
    Awaitility.await("settled").atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> Snapshot.read(cluster.stores()).settled());
    sample.run();
    Verdict verdict = Verdict.judge(load.answers, new ConcurrentHashMap<>(),
        Snapshot.read(cluster.stores()));
    ProcessCluster.Audit audit = cluster.audit();

    long ok = load.count(Status.Code.OK);
    PrintWriter out = new PrintWriter(System.out, true);
    out.printf("soak: %d s at concurrency %d, services -Xmx256m, OWASP hashing%n",
        Math.round(seconds), concurrency);
    out.printf("  sign-ups            %d (%d OK, %d planted duplicates -> ALREADY_EXISTS)%n",
        load.answers.size(), ok, load.count(Status.Code.ALREADY_EXISTS));
    out.printf("  throughput          %.1f sign-ups/s%n", ok / seconds);
    out.printf("  latency (OK)        p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
        load.latencyMicros.getValueAtPercentile(50) / 1000.0,
        load.latencyMicros.getValueAtPercentile(99) / 1000.0,
        load.latencyMicros.getMaxValue() / 1000.0);
    out.printf("  unexpected answers  %d %s%n", load.unexpected.size(),
        load.unexpected.stream().limit(10).toList());
    out.println("  heap after full GC  (MiB: at rest, 4 under load, at rest)");
    heaps.forEach((service, kib) -> out.printf("    %-13s %s%n", service,
        kib.stream().map(k -> String.format("%.1f", k / 1024.0)).toList()));
    out.printf("  audit               %s%n", audit.exitCode() == 0 ? "consistent" : "FAILED");

    assertEquals(List.of(), load.unexpected);
    assertEquals(List.of(), verdict.problems);
    assertEquals(0, audit.exitCode(), audit.output());
    heaps.forEach((service, kib) -> assertTrue(
        kib.get(SAMPLES + 1) <= kib.get(0) + HEAP_GROWTH_ALLOWED_KIB,
        service + " heap at rest grew from " + kib.get(0) + " KiB to " + kib.get(SAMPLES + 1)
            + " KiB"));
    assertTrue(ok > 0, "no sign-up got through");
  }
}
