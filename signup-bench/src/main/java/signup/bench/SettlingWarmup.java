package signup.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A warm-up that ends once it has settled: at the end of each window of its closed loop it
 * measures the window's throughput and the JIT compilers' share of the CPU, and asks its
 * {@link SettlingRule} whether to stop. Used once, for one loop.
 */
final class SettlingWarmup implements ClosedLoop.Checkpoint {
  private final SettlingRule rule;
  private final Supplier<Optional<ProcFs.CpuTicks>> cpu;
  private final List<SettlingRule.Window> windows = new ArrayList<>();
  private SettlingRule.Verdict verdict = SettlingRule.Verdict.GO_ON;
  private Duration windowStart = Duration.ZERO;
  private long succeededBefore;
  private Optional<ProcFs.CpuTicks> cpuBefore;

  /**
   * @param cpu reads the CPU of the processes that warm up (services and driver) and of their
   *     JIT compilers; it is read once now, as the loop starts, and at the end of each window
   */
  SettlingWarmup(SettlingRule rule, Supplier<Optional<ProcFs.CpuTicks>> cpu) {
    this.rule = rule;
    this.cpu = cpu;
    this.cpuBefore = cpu.get();
  }

  /** A timed loop of at most the rule's maximum, which this warm-up may end earlier. */
  ClosedLoop loop(Workload workload, int concurrency) {
    return new ClosedLoop(workload, concurrency, ClosedLoop.Limit.of(rule.maximum()), this);
  }

  @Override
  public Duration period() {
    return rule.window();
  }

  @Override
  public boolean stopNow(Duration elapsed, long succeeded) {
    Optional<ProcFs.CpuTicks> cpuNow = cpu.get();
    double seconds = elapsed.minus(windowStart).toNanos() / 1e9;
    double jitShare = cpuBefore.isPresent() && cpuNow.isPresent()
        ? cpuNow.get().compilerShareSince(cpuBefore.get()) : Double.NaN;
    windows.add(new SettlingRule.Window(elapsed,
        seconds <= 0 ? 0 : (succeeded - succeededBefore) / seconds, jitShare));
    windowStart = elapsed;
    succeededBefore = succeeded;
    cpuBefore = cpuNow;
    verdict = rule.judge(windows);
    return verdict != SettlingRule.Verdict.GO_ON;
  }

  /** What the warm-up did, once its loop has run for {@code elapsed}. */
  Warmup result(Duration elapsed) {
    return new Warmup(elapsed, verdict == SettlingRule.Verdict.SETTLED ? Warmup.Ending.SETTLED
        : Warmup.Ending.MAXIMUM, windows);
  }
}
