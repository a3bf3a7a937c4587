package signup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettlingRuleTest {
  /** 15 to 90 s in 5 s windows, within 10%, the JIT at most 3% of the CPU. */
  private final SettlingRule rule = SettlingRule.between(Duration.ofSeconds(15),
      Duration.ofSeconds(90));

  /** Windows of 5 s, one per throughput, with the JIT's share unknown. */
  private static List<SettlingRule.Window> windows(double... throughputs) {
    List<SettlingRule.Window> windows = new ArrayList<>();
    for (int i = 0; i < throughputs.length; i++) {
      windows.add(new SettlingRule.Window(Duration.ofSeconds(5L * (i + 1)), throughputs[i],
          Double.NaN));
    }
    return windows;
  }

  private static List<SettlingRule.Window> withJit(List<SettlingRule.Window> windows,
      double lastJitShare) {
    List<SettlingRule.Window> copy = new ArrayList<>(windows);
    SettlingRule.Window last = copy.remove(copy.size() - 1);
    copy.add(new SettlingRule.Window(last.end(), last.throughput(), lastJitShare));
    return copy;
  }

  @Test
  void twoWindowsWithinTheToleranceAfterTheMinimumHaveSettled() {
    assertEquals(SettlingRule.Verdict.SETTLED, rule.judge(windows(466, 900, 1210, 1230)));
  }

  @Test
  void theToleranceIsMeasuredAgainstTheHigherOfTheTwoWindowsEitherWay() {
    // 10% of 1,000 is 100: 900 and 1,000 agree, 899 and 1,000 do not, in either order.
    assertEquals(SettlingRule.Verdict.SETTLED, rule.judge(windows(0, 0, 900, 1000)));
    assertEquals(SettlingRule.Verdict.SETTLED, rule.judge(windows(0, 0, 1000, 900)));
    assertEquals(SettlingRule.Verdict.GO_ON, rule.judge(windows(0, 0, 899, 1000)));
    assertEquals(SettlingRule.Verdict.GO_ON, rule.judge(windows(0, 0, 1000, 899)));
  }

  @Test
  void windowsThatAgreeBeforeTheMinimumDoNotEndTheWarmup() {
    assertEquals(SettlingRule.Verdict.GO_ON, rule.judge(windows(800, 800)));
  }

  @Test
  void aSingleWindowNeverSettlesEvenPastTheMinimum() {
    SettlingRule noMinimum = SettlingRule.between(Duration.ZERO, Duration.ofSeconds(90));

    assertEquals(SettlingRule.Verdict.GO_ON, noMinimum.judge(windows(800)));
    assertEquals(SettlingRule.Verdict.GO_ON, noMinimum.judge(List.of()));
  }

  @Test
  void throughputStillRisingRunsUntilTheMaximum() {
    double[] rising = new double[18];
    for (int i = 0; i < rising.length; i++) {
      rising[i] = 400 * Math.pow(1.15, i);
    }
    List<SettlingRule.Window> all = windows(rising);

    for (int n = 1; n < all.size(); n++) {
      assertEquals(SettlingRule.Verdict.GO_ON, rule.judge(all.subList(0, n)), "at window " + n);
    }
    assertEquals(SettlingRule.Verdict.MAXIMUM, rule.judge(all));
  }

  @Test
  void aBusyJitKeepsASteadyThroughputWarmingUpUntilItGoesQuiet() {
    List<SettlingRule.Window> steady = windows(466, 900, 1210, 1230);

    assertEquals(SettlingRule.Verdict.GO_ON, rule.judge(withJit(steady, 0.30)));
    assertEquals(SettlingRule.Verdict.SETTLED, rule.judge(withJit(steady, 0.01)));
    assertEquals(SettlingRule.Verdict.SETTLED, rule.judge(withJit(steady, 0.03)));
    assertEquals(SettlingRule.Verdict.GO_ON, rule.judge(withJit(steady, 0.031)));
  }

  @Test
  void settlingInTheLastWindowBeforeTheMaximumCountsAsSettled() {
    SettlingRule short_ = SettlingRule.between(Duration.ofSeconds(15), Duration.ofSeconds(20));

    assertEquals(SettlingRule.Verdict.SETTLED, short_.judge(windows(1, 2, 1000, 1000)));
    assertEquals(SettlingRule.Verdict.MAXIMUM, short_.judge(windows(1, 2, 500, 1000)));
  }

  @Test
  void aMaximumBelowTheMinimumCutsIt() {
    SettlingRule ci = SettlingRule.between(Duration.ofSeconds(15), Duration.ofSeconds(3));

    assertEquals(Duration.ofSeconds(3), ci.minimum());
    assertEquals(SettlingRule.Verdict.MAXIMUM, ci.judge(List.of(
        new SettlingRule.Window(Duration.ofSeconds(3), 700, Double.NaN))));
  }

  @Test
  void aZeroMaximumMeansNoWarmup() {
    assertTrue(SettlingRule.between(Duration.ofSeconds(15), Duration.ZERO).none());
    assertTrue(SettlingRule.NONE.none());
  }
}
