package signup.common;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Waits for threads to reach a known blocking point, instead of sleeping and hoping. */
public final class ConcurrencyTesting {
  private ConcurrencyTesting() {}

  /**
   * Waits until every thread is parked (WAITING or TIMED_WAITING) with {@code frame} (a
   * "Class.method" suffix of a stack frame, e.g. "CompletableFuture.get") on its stack.
   */
  public static void awaitParkedIn(String frame, List<Thread> threads) {
    await().atMost(Duration.ofSeconds(10)).until(
        () -> threads.stream().allMatch(thread -> isParkedIn(thread, frame)));
  }

  public static boolean isParkedIn(Thread thread, String frame) {
    Thread.State state = thread.getState();
    if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
      return false;
    }
    return Arrays.stream(thread.getStackTrace())
        .map(f -> f.getClassName() + "." + f.getMethodName())
        .anyMatch(name -> name.endsWith(frame));
  }
}
