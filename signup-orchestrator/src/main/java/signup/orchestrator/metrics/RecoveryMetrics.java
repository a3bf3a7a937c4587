package signup.orchestrator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import signup.orchestrator.domain.Recovery;

/**
 * Recovery's passes as series: how many, the rows they finished (each once, whoever wrote its
 * final state) and left, and failures.
 */
public final class RecoveryMetrics implements Recovery.Listener {
  private final Counter passes;
  private final Counter finished;
  private final Counter left;
  private final Counter failures;

  public RecoveryMetrics(MeterRegistry registry) {
    passes = Counter.builder("signup.recovery.passes")
        .description("Recovery passes over the log (one batch of at most 100 rows each)")
        .register(registry);
    finished = Counter.builder("signup.recovery.rows.finished")
        .description("Sign-ups recovery took over and that reached DONE or ABORTED, each once: "
            + "in the pass that finished it, or when the confirm drive a pass started wrote DONE")
        .register(registry);
    left = Counter.builder("signup.recovery.rows.left")
        .description("Sign-ups recovery tried and could not finish (a participant did not "
            + "acknowledge); tried again on the next pass")
        .register(registry);
    failures = Counter.builder("signup.recovery.failures")
        .description("Recovery passes stopped by an error (the log could not be written, or a "
            + "bug)")
        .register(registry);
  }

  @Override
  public void passed(int finishedRows, int leftRows) {
    passes.increment();
    finished.increment(finishedRows);
    left.increment(leftRows);
  }

  @Override
  public void finishedLater() {
    finished.increment();
  }

  @Override
  public void failed() {
    failures.increment();
  }
}
