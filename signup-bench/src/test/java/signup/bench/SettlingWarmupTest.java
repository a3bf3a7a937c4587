package signup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SettlingWarmupTest {
  /** Done as soon as started: the same throughput window after window, bar the machine's noise. */
  private static final Workload INSTANT = new Workload() {
    @Override
    public CompletableFuture<?> start() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public String classify(Throwable failure) {
      return failure.getClass().getSimpleName();
    }
  };

  @Test
  void aSteadyWorkloadEndsItsWarmupOnceSettledLongBeforeTheMaximum() throws Exception {
    SettlingRule rule = new SettlingRule(Duration.ZERO, Duration.ofMinutes(1),
        Duration.ofMillis(20), 0.5, 0.02);
    SettlingWarmup warmup = new SettlingWarmup(rule, Optional::empty);

    Measurement m = warmup.loop(INSTANT, 4).run();
    Warmup result = warmup.result(m.elapsed());

    assertEquals(Warmup.Ending.SETTLED, result.ending(), result.curve());
    assertTrue(result.windows().size() >= 2, result.curve());
    assertTrue(m.elapsed().compareTo(Duration.ofMinutes(1)) < 0, m.elapsed().toString());
    assertTrue(Double.isNaN(result.windows().get(0).jitShare()), "no /proc reading given");
    assertTrue(result.describe().startsWith("settled after "), result.describe());
  }

  @Test
  void aJitThatKeepsCompilingHoldsTheWarmupToItsMaximum() throws Exception {
    SettlingRule rule = new SettlingRule(Duration.ZERO, Duration.ofMillis(200),
        Duration.ofMillis(50), 1.0, 0.02);
    // Each reading, 100 more ticks of CPU of which the compilers took 30.
    AtomicLong readings = new AtomicLong();
    SettlingWarmup warmup = new SettlingWarmup(rule, () -> {
      long n = readings.getAndIncrement();
      return Optional.of(new ProcFs.CpuTicks(100 * n, 30 * n));
    });

    Measurement m = warmup.loop(INSTANT, 2).run();
    Warmup result = warmup.result(m.elapsed());

    assertEquals(Warmup.Ending.MAXIMUM, result.ending(), result.describe());
    SettlingRule.Window last = result.windows().get(result.windows().size() - 1);
    assertTrue(last.end().compareTo(Duration.ofMillis(200)) >= 0, result.windows().toString());
    assertEquals(0.3, last.jitShare(), 1e-9);
    assertTrue(result.describe().contains("JIT 30.0% of CPU"), result.describe());
  }
}
