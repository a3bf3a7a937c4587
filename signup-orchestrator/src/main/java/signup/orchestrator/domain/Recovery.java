package signup.orchestrator.domain;

import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.domain.Completions;
import signup.common.domain.DaemonThreads;
import signup.common.domain.StoreUnavailableException;

/**
 * Finishes what requests left half-way, at start-up and then periodically: COMMITTING rows are
 * confirmed on both participants, ABORTING rows and TRYING rows past their deadline are
 * cancelled. Each step is idempotent, so a crash in the middle of recovery is harmless too.
 */
public final class Recovery implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);
  private static final int BATCH = 100;

  private final SignupLog signupLog;
  private final SignupCoordinator coordinator;
  private final ProtocolSettings settings;
  private final InstantSource clock;
  private final Listener listener;
  private ScheduledExecutorService scheduler;

  /** Told of each pass, for the metrics (the domain knows no metrics library). */
  public interface Listener {
    Listener NONE = new Listener() {};

    /** A pass (one batch) ended: {@code finished} rows reached a final state, {@code left} not. */
    default void passed(int finished, int left) {}

    /** A pass stopped on an error (the log could not be written, a bug). */
    default void failed() {}
  }

  public Recovery(SignupLog signupLog, SignupCoordinator coordinator, ProtocolSettings settings,
      InstantSource clock) {
    this(signupLog, coordinator, settings, clock, Listener.NONE);
  }

  public Recovery(SignupLog signupLog, SignupCoordinator coordinator, ProtocolSettings settings,
      InstantSource clock, Listener listener) {
    this.signupLog = signupLog;
    this.coordinator = coordinator;
    this.settings = settings;
    this.clock = clock;
    this.listener = listener;
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
   * One pass over the log.
   *
   * @return how many transactions reached a final state
   */
  public int recoverOnce() {
    List<SignupRecord> pending = signupLog.needingRecovery(clock.instant(), BATCH);
    int finished = 0;
    int left = 0;
    for (SignupRecord record : pending) {
      if (coordinator.inFlight().contains(record.txnId())) {
        continue; // its request thread is still driving it
      }
      if (recover(record)) {
        finished++;
      } else {
        left++;
      }
    }
    listener.passed(finished, left);
    return finished;
  }

  private boolean recover(SignupRecord record) {
    String txnId = record.txnId();
    SecondPhase secondPhase = coordinator.secondPhase();
    switch (record.state()) {
      case COMMITTING -> {
        log.info("txn_id={} recovery: COMMITTING, confirming both participants", txnId);
        if (secondPhase.confirmAll(txnId, settings.callDeadline())) {
          Completions.await(signupLog.markDone(txnId, clock.instant()));
          log.info("txn_id={} recovery: DONE", txnId);
          return true;
        }
        return false;
      }
      case TRYING -> {
        if (!signupLog.markAborting(txnId, FailureKind.DEADLINE_EXCEEDED,
            "the sign-up did not complete in time and was cancelled", clock.instant())) {
          return false; // decided meanwhile; the next pass sees the new state
        }
        log.info("txn_id={} recovery: TRYING past its deadline, aborting", txnId);
        return cancel(txnId, secondPhase);
      }
      case ABORTING -> {
        log.info("txn_id={} recovery: ABORTING, cancelling both participants", txnId);
        return cancel(txnId, secondPhase);
      }
      default -> {
        return false;
      }
    }
  }

  private boolean cancel(String txnId, SecondPhase secondPhase) {
    if (secondPhase.cancelAll(txnId, settings.callDeadline())) {
      signupLog.markAborted(txnId, clock.instant());
      log.info("txn_id={} recovery: ABORTED", txnId);
      return true;
    }
    return false;
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
