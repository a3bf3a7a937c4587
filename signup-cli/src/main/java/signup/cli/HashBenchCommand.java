package signup.cli;

import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import signup.client.domain.Argon2Settings;
import signup.client.domain.Argon2id;
import signup.client.domain.PasswordHasher;
import signup.common.cli.DurationConverter;
import signup.common.domain.DaemonThreads;

/**
 * The password hash alone, in this JVM: how many hashes a second client-server's hasher makes
 * here, and what the garbage collector does meanwhile. Run at the services' heap
 * ({@code java -Xmx256m -jar signup.jar hash-bench}) beside a {@code signup bench} to tell the
 * hash's own cost from what the services add to it; {@code -Dsignup.argon2=libsodium},
 * {@code libargon2} or {@code bouncycastle} picks the implementation.
 */
@Command(name = "hash-bench", mixinStandardHelpOptions = true,
    description = {"Measure the Argon2id password hash alone in this JVM: hashes per second with "
        + "1..N hasher threads, and the garbage collections and allocation per hash. Run it at "
        + "the services' heap (java -Xmx256m -jar signup.jar hash-bench); "
        + "-Dsignup.argon2=libsodium|libargon2|bouncycastle picks the implementation."})
final class HashBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--threads", split = ",", defaultValue = "1,2",
      description = "Hasher threads (and callers), one step each. Default: ${DEFAULT-VALUE}.")
  List<Integer> threads;

  @Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class,
      description = "Length of each step, after a warm-up of a third of it. "
          + "Default: ${DEFAULT-VALUE}.")
  Duration duration;

  @Option(names = "--cost", defaultValue = "owasp",
      description = "owasp or minimum. Default: ${DEFAULT-VALUE}.")
  String cost;

  @Override
  public Integer call() throws Exception {
    Argon2Settings settings = Argon2Settings.named(cost).orElseThrow(() ->
        new ParameterException(spec.commandLine(), "--cost must be owasp or minimum, not "
            + cost));
    if (threads.stream().anyMatch(t -> t < 1 || t > 64)) {
      throw new ParameterException(spec.commandLine(), "--threads must be 1-64");
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new ParameterException(spec.commandLine(), "--duration must be positive");
    }
    Argon2id implementation = Argon2id.preferred();
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "Argon2id m=%d KiB, t=%d, p=%d by %s; heap max %d MiB%n",
        settings.memoryKiB(), settings.iterations(), settings.parallelism(),
        implementation.name(), Runtime.getRuntime().maxMemory() >> 20);
    out.println("threads  hashes/s  ms/hash (per thread)  GCs/s  GC ms/s  MiB allocated/hash");
    for (int n : threads) {
      try (PasswordHasher hasher = new PasswordHasher(settings, implementation, n,
          PasswordHasher.Listener.NONE, UnaryOperator.identity())) {
        run(hasher, n, duration.dividedBy(3));
        Step step = run(hasher, n, duration);
        out.printf(Locale.ROOT, "%7d  %8.1f  %20.2f  %5.1f  %7.1f  %18.2f%n", n,
            step.hashesPerSecond(), 1000.0 * n / step.hashesPerSecond(),
            step.gcs() / step.seconds(), step.gcMillis() / step.seconds(),
            step.allocatedBytes() / (double) step.hashes() / (1 << 20));
        out.flush();
      }
    }
    return ExitCodes.OK;
  }

  private record Step(long hashes, double seconds, long gcs, long gcMillis,
      long allocatedBytes) {
    double hashesPerSecond() {
      return hashes / seconds;
    }
  }

  /** {@code n} callers hashing back to back for {@code length}. */
  private static Step run(PasswordHasher hasher, int n, Duration length) throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(n, DaemonThreads.numbered("caller"));
    try {
      long[] gcBefore = gc();
      Map<Long, Long> allocatedBefore = allocatedByThread();
      LongAdder hashes = new LongAdder();
      long start = System.nanoTime();
      long end = start + length.toNanos();
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        running.add(callers.submit(() -> {
          while (System.nanoTime() < end) {
            hasher.hash("correct horse battery staple");
            hashes.increment();
          }
          return null;
        }));
      }
      for (Future<?> caller : running) {
        caller.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long[] gcAfter = gc();
      long allocated = 0;
      for (Map.Entry<Long, Long> thread : allocatedByThread().entrySet()) {
        allocated += thread.getValue() - allocatedBefore.getOrDefault(thread.getKey(), 0L);
      }
      return new Step(hashes.sum(), seconds, gcAfter[0] - gcBefore[0],
          gcAfter[1] - gcBefore[1], allocated);
    } finally {
      callers.shutdownNow();
    }
  }

  /** Collections and milliseconds spent collecting, over every collector. */
  private static long[] gc() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, bean.getCollectionCount());
      millis += Math.max(0, bean.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  /** Bytes each live thread has allocated so far (HotSpot's ThreadMXBean extension). */
  private static Map<Long, Long> allocatedByThread() {
    Map<Long, Long> allocated = new HashMap<>();
    if (ManagementFactory.getThreadMXBean()
        instanceof com.sun.management.ThreadMXBean threads) {
      long[] ids = threads.getAllThreadIds();
      long[] bytes = threads.getThreadAllocatedBytes(ids);
      for (int i = 0; i < ids.length; i++) {
        if (bytes[i] >= 0) {
          allocated.put(ids[i], bytes[i]);
        }
      }
    }
    return allocated;
  }
}
