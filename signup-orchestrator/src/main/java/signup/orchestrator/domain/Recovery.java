package signup.orchestrator.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.domain.DaemonThreads;
import signup.common.domain.StoreUnavailableException;
import signup.common.logging.LogContext;

/**
 * Finishes what requests left half-way, at start-up and then periodically, taking each row where
 * {@link SignupState#recoveredTo()} says: COMMITTING rows are confirmed on both participants,
 * ABORTING rows and TRYING rows past their deadline are cancelled. Each step is idempotent, so
 * a crash in the middle of recovery is harmless too. Several orchestrators may share one log:
 * each pass claims the rows it works ({@link SignupLog#claimForRecovery}), so two never work one
 * row at once, and the rows of one that died are taken by another once its claims run out.
 */
public final class Recovery implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);
  private static final int BATCH = 100;

  private final SignupLog signupLog;
  private final SignupCoordinator coordinator;
  private final ProtocolSettings settings;
  private final InstantSource clock;
  private final Listener listener;
  private final TxnLogContext logContext;
  private ScheduledExecutorService scheduler;

  /**
   * Told of each pass, for the metrics (the domain knows no metrics library). Each row a pass
   * takes over is told once as finished, when it is: by {@link #passed} when the pass finished
   * it, else by {@link #finishedLater} when the confirm drive the pass started does.
   */
  public interface Listener {
    Listener NONE = new Listener() {};

    /** A pass (one batch) ended: {@code finished} rows reached a final state, {@code left} not. */
    default void passed(int finished, int left) {}

    /**
     * A COMMITTING row a pass left to the confirm drive it started (a participant did not
     * acknowledge at once: the drive retries until it does) is DONE now, written by that drive.
     * Called on the thread of the DONE write's commit.
     */
    default void finishedLater() {}

    /** A pass stopped on an error (the log could not be written, a bug). */
    default void failed() {}
  }

  public Recovery(SignupLog signupLog, SignupCoordinator coordinator, ProtocolSettings settings,
      InstantSource clock) {
    this(signupLog, coordinator, settings, clock, Listener.NONE);
  }

  public Recovery(SignupLog signupLog, SignupCoordinator coordinator, ProtocolSettings settings,
      InstantSource clock, Listener listener) {
    this(signupLog, coordinator, settings, clock, listener, TxnLogContext.TXN_ID_ONLY);
  }

  /** @param logContext what each row's lines carry (its txn_id, its trace_id where known) */
  public Recovery(SignupLog signupLog, SignupCoordinator coordinator, ProtocolSettings settings,
      InstantSource clock, Listener listener, TxnLogContext logContext) {
    this.signupLog = signupLog;
    this.coordinator = coordinator;
    this.settings = settings;
    this.clock = clock;
    this.listener = listener;
    this.logContext = logContext;
  }

  /** Runs a first pass now (in the background) and then every recovery interval. */
  public synchronized void start() {
    if (scheduler != null) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(
        DaemonThreads.named("orchestrator-recovery"));
    scheduler.scheduleWithFixedDelay(this::recoverLogged, 0,
        settings.recoveryInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * One pass over the log, leaving rows decided within {@link ProtocolSettings#recoveryGrace()}
   * to their requests: starts every row's step at once, up to a batch of {@value #BATCH} (they
   * wait on the participants, not on each other), then waits for them for up to twice the call
   * deadline (a last attempt may start just before a cancel's budget ends). A confirm not
   * acknowledged at its first attempt goes on being retried by its drive, and the pass does not
   * wait for it; a cancel is tried again at the next pass. Calls to a participant known to be
   * down are not sent ({@link DownParticipants}): with one participant down, a pass ends once
   * the other has answered, not a call deadline later.
   *
   * @return how many transactions reached a final state
   */
  public int recoverOnce() {
    Instant now = clock.instant();
    List<SignupRecord> pending = signupLog.claimForRecovery(now,
        now.minus(settings.recoveryGrace()), now.plus(settings.recoveryClaim()), BATCH);
    List<Step> steps = new ArrayList<>();
    for (SignupRecord record : pending) {
      if (coordinator.inFlight().contains(record.txnId())) {
        continue; // its request is still driving it (and the claim just renewed stays ours)
      }
      try (LogContext.Scope ids = logContext.enter(record.txnId())) {
        start(record).ifPresent(steps::add);
      }
    }
    awaitAll(steps, settings.callDeadline().multipliedBy(2));
    int finished = 0;
    int left = 0;
    for (Step step : steps) {
      if (finish(step)) {
        finished++;
      } else {
        left++;
      }
    }
    listener.passed(finished, left);
    return finished;
  }

  /**
   * A row's step, under way.
   *
   * @param to the final state it leads to
   * @param acknowledged true once every participant acknowledged (for DONE: and DONE is written)
   * @param handover for DONE, the drive's side of counting the row once; null for a cancel
   */
  private record Step(String txnId, SignupState to, CompletableFuture<Boolean> acknowledged,
      Handover handover) {}

  /**
   * Counts a COMMITTING row the pass left to its confirm drive once that drive writes DONE.
   * Two sides arrive: the drive when it has written DONE, the pass when it leaves the row
   * unfinished; the second to arrive tells the listener, so the row counts once whichever
   * comes first, and not at all when the drive fails for good (the next pass takes the row
   * again). A pass that finds the row DONE counts it itself and does not arrive.
   */
  private final class Handover {
    private final AtomicInteger arrived = new AtomicInteger();

    void arrive() {
      if (arrived.incrementAndGet() == 2) {
        listener.finishedLater();
      }
    }
  }

  /** Starts taking the row where the state table says recovery takes it. */
  private Optional<Step> start(SignupRecord record) {
    String txnId = record.txnId();
    SignupState to = record.state().recoveredTo().orElse(null);
    if (to == null) {
      return Optional.empty(); // final meanwhile
    }
    switch (to) {
      case DONE -> {
        if (coordinator.commits().driving(txnId)) {
          // A drive (a request's that answered "pending", or an earlier pass's) retries its
          // confirms on timers until acknowledged, and writes DONE itself.
          return Optional.empty();
        }
        if (!stillIn(txnId, SignupState.COMMITTING)) {
          return Optional.empty(); // its drive wrote DONE since the row was read
        }
        log.info("txn_id={} recovery: COMMITTING, confirming both participants", txnId);
        // The pass waits for the first round of confirms only: a confirm that must be retried
        // (a participant down) is retried by the drive, while this pass goes on.
        CompletableFuture<Boolean> settled = new CompletableFuture<>();
        Handover handover = new Handover();
        coordinator.commits().finish(txnId, () -> settled.complete(false))
            .whenComplete((finished, failure) -> {
              settled.complete(failure == null);
              if (failure == null) {
                handover.arrive();
              }
            });
        return Optional.of(new Step(txnId, SignupState.DONE, settled, handover));
      }
      case ABORTING -> {
        // Presumed abort: an undecided row past its deadline (the log returns no other).
        if (!signupLog.markAborting(txnId, FailureKind.DEADLINE_EXCEEDED,
            "the sign-up did not complete in time and was cancelled", clock.instant())) {
          return Optional.empty(); // decided meanwhile; the next pass sees the new state
        }
        log.info("txn_id={} recovery: TRYING past its deadline, aborting", txnId);
        return Optional.of(cancel(txnId));
      }
      case ABORTED -> {
        log.info("txn_id={} recovery: ABORTING, cancelling both participants", txnId);
        return Optional.of(cancel(txnId));
      }
      default -> throw new IllegalStateException("recovery has no step to " + to);
    }
  }

  private boolean stillIn(String txnId, SignupState state) {
    return signupLog.find(txnId).map(record -> record.state() == state).orElse(false);
  }

  private Step cancel(String txnId) {
    return new Step(txnId, SignupState.ABORTED,
        coordinator.secondPhase().cancelAll(txnId, settings.callDeadline()), null);
  }

  /** True when the step's txn is final now; ABORTED is written here, on recovery's thread. */
  private boolean finish(Step step) {
    if (!step.acknowledged().isDone() || !step.acknowledged().join()) {
      if (step.handover() != null) {
        step.handover().arrive(); // left to its drive: counted when the drive finishes it
      }
      return false;
    }
    try (LogContext.Scope ids = logContext.enter(step.txnId())) {
      if (step.to() == SignupState.ABORTED) {
        signupLog.markAborted(step.txnId(), clock.instant());
      }
      log.info("txn_id={} recovery: {}", step.txnId(), step.to());
    }
    return true;
  }

  private static void awaitAll(List<Step> steps, Duration patience) {
    try {
      CompletableFuture.allOf(steps.stream().map(Step::acknowledged)
              .toArray(CompletableFuture[]::new))
          .get(patience.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // What has not finished is counted as such.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
    }
  }

  private void recoverLogged() {
    try {
      while (recoverOnce() == BATCH) {
        // a full batch: there may be more waiting
      }
    } catch (StoreUnavailableException e) {
      listener.failed();
      // The store logged it once already; a pass every few seconds must not repeat it.
      log.debug("recovery pass stopped, the log cannot be written: {}", e.getMessage());
    } catch (RuntimeException e) {
      listener.failed();
      log.error("recovery pass failed; retrying on the next one", e);
    }
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }
}
