package signup.common.domain;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Never lets a participant decide a reservation alone: a reservation older than its TTL is
 * resolved by asking the coordinator, which turns an undecided transaction into an abort. While
 * the coordinator is unreachable the reservation is kept and asked about on the next sweep.
 */
public final class ReservationSweeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReservationSweeper.class);
  private static final int BATCH = 100;

  private final ReservationLedger ledger;
  private final TransactionResolver resolver;
  private final ParticipantSettings settings;
  private final InstantSource clock;
  private ScheduledExecutorService scheduler;

  public ReservationSweeper(ReservationLedger ledger, TransactionResolver resolver,
      ParticipantSettings settings, InstantSource clock) {
    this.ledger = ledger;
    this.resolver = resolver;
    this.settings = settings;
    this.clock = clock;
  }

  /** Sweeps every {@code sweepInterval} on a thread of its own until closed. */
  public synchronized void start(String name) {
    if (scheduler != null) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(
        DaemonThreads.named(name + "-reservation-sweeper"));
    long every = settings.sweepInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::sweepLogged, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Resolves every reservation past its TTL once.
   *
   * @return how many were decided (confirmed or cancelled)
   */
  public int sweepOnce() {
    Instant now = clock.instant();
    List<String> expired = ledger.claimReservedBefore(now.minus(settings.reservationTtl()),
        now.plus(settings.sweepClaim()), BATCH);
    int decided = 0;
    for (String txnId : expired) {
      TransactionResolver.Outcome outcome;
      try {
        outcome = resolver.resolve(txnId);
      } catch (TransactionResolver.CoordinatorUnavailableException e) {
        log.warn("txn_id={} reservation past its TTL kept: coordinator unavailable ({})", txnId,
            e.getMessage());
        // The coordinator is down for all of them; try again on the next sweep.
        break;
      }
      if (outcome == TransactionResolver.Outcome.COMMIT) {
        ledger.confirm(txnId);
      } else {
        ledger.cancel(txnId);
      }
      log.info("txn_id={} reservation past its TTL resolved by the coordinator: {}", txnId,
          outcome);
      decided++;
    }
    return decided;
  }

  private void sweepLogged() {
    try {
      sweepOnce();
    } catch (StoreUnavailableException e) {
      // The store logged it once already; a sweep every few seconds must not repeat it.
      log.debug("reservation sweep stopped, the store cannot be written: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.error("reservation sweep failed; retrying on the next one", e);
    }
  }

  /** Stops sweeping and waits for a sweep in progress, so the ledger may be closed next. */
  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
          log.warn("a reservation sweep is still running after 10 s; not waiting longer");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      scheduler = null;
    }
  }
}
