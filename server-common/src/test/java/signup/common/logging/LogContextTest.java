package signup.common.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The MDC a piece of work was handed over in is the one it runs in, on whichever thread, and
 * each thread has its own back afterwards: nothing of one sign-up stays on a pool's thread for
 * the next to show.
 */
class LogContextTest {
  private final ExecutorService other = Executors.newSingleThreadExecutor();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    MDC.clear();
    other.shutdownNow();
    timers.shutdownNow();
  }

  private String onOtherThread(String key) throws Exception {
    return other.submit(() -> MDC.get(key)).get(5, TimeUnit.SECONDS);
  }

  @Test
  void withPutsAKeyAndPutsBackWhatItHeldOrTakesItOutForANullValue() {
    MDC.put(LogContext.TXN_ID, "outer");
    try (LogContext.Scope inner = LogContext.with(LogContext.TXN_ID, "inner")) {
      assertEquals("inner", MDC.get(LogContext.TXN_ID));
    }
    assertEquals("outer", MDC.get(LogContext.TXN_ID));

    MDC.put(LogContext.TRACE_ID, "another-sign-ups-trace");
    try (LogContext.Scope ids = LogContext.withTxn("t-1", null)) {
      assertEquals("t-1", MDC.get(LogContext.TXN_ID));
      assertNull(MDC.get(LogContext.TRACE_ID), "a step without a trace shows none");
    }
    assertEquals(Map.of(LogContext.TXN_ID, "outer", LogContext.TRACE_ID,
        "another-sign-ups-trace"), MDC.getCopyOfContextMap());
  }

  @Test
  void whatIsChainedToACarriedFutureRunsInTheContextItWasCarriedFrom() throws Exception {
    CompletableFuture<String> source = new CompletableFuture<>();
    CompletableFuture<String> seen;
    try (LogContext.Scope ids = LogContext.withTxn("t-1", "trace-1")) {
      seen = LogContext.current().carry(source)
          .thenApply(value -> value + " " + MDC.get(LogContext.TXN_ID) + " "
              + MDC.get(LogContext.TRACE_ID));
    }
    // Completed on another thread, one that was busy with another sign-up.
    other.submit(() -> {
      MDC.put(LogContext.TXN_ID, "t-2");
      source.complete("done");
    }).get(5, TimeUnit.SECONDS);

    assertEquals("done t-1 trace-1", seen.get(5, TimeUnit.SECONDS));
    assertEquals("t-2", onOtherThread(LogContext.TXN_ID), "the completing thread's own is back");
  }

  @Test
  void aFailedFutureIsCarriedWithItsFailure() {
    IllegalStateException failure = new IllegalStateException("refused");
    CompletableFuture<String> carried = LogContext.current()
        .carry(CompletableFuture.failedFuture(failure));

    assertEquals(failure, carried.handle((value, e) -> e).join());
  }

  @Test
  void aCarryingPoolRunsEachTaskInItsSubmittersContextAndLeavesNothingBehind()
      throws Exception {
    ExecutorService carrying = LogContext.carrying(other);
    String seen;
    try (LogContext.Scope ids = LogContext.withTxn("t-1", null)) {
      seen = carrying.submit(() -> MDC.get(LogContext.TXN_ID)).get(5, TimeUnit.SECONDS);
    }
    assertEquals("t-1", seen);
    assertNull(onOtherThread(LogContext.TXN_ID));
    // Handed over with nothing in the MDC: the task runs with nothing, whatever the thread had.
    other.submit(() -> MDC.put(LogContext.TXN_ID, "stale")).get(5, TimeUnit.SECONDS);
    assertNull(carrying.submit(() -> MDC.get(LogContext.TXN_ID)).get(5, TimeUnit.SECONDS));
    assertEquals("stale", onOtherThread(LogContext.TXN_ID));
  }

  @Test
  void aCarryingSchedulerFiresEachTimerInTheContextOfWhoeverSetIt() throws Exception {
    ScheduledExecutorService carrying = LogContext.carrying(timers);
    CompletableFuture<String> fired = new CompletableFuture<>();
    try (LogContext.Scope ids = LogContext.withTxn("t-1", "trace-1")) {
      carrying.schedule(() -> fired.complete(MDC.get(LogContext.TRACE_ID)), 10,
          TimeUnit.MILLISECONDS);
    }
    assertEquals("trace-1", fired.get(5, TimeUnit.SECONDS));
    assertNull(timers.submit(() -> MDC.get(LogContext.TRACE_ID)).get(5, TimeUnit.SECONDS));
  }
}
