package signup.common.domain;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.logging.LogContext;

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
  private final PeriodicJob schedule = new PeriodicJob("a reservation sweep");
  private final Listener listener;

  /**
   * What the sweeper finds and does, for the server's metrics (the domain knows no metrics
   * library). Called on the sweeper's thread.
   */
  public interface Listener {
    Listener NONE = new Listener() {};

    /** A sweep ended normally. */
    default void swept() {}

    /** A reservation past its TTL was decided by the coordinator's answer. */
    default void resolved(TransactionResolver.Outcome outcome) {}

    /** A reservation past its TTL was kept: the coordinator could not be asked. */
    default void kept() {}

    /** A sweep failed (the store, a bug); the next one tries again. */
    default void failed() {}
  }

  public ReservationSweeper(ReservationLedger ledger, TransactionResolver resolver,
      ParticipantSettings settings, InstantSource clock) {
    this(ledger, resolver, settings, clock, Listener.NONE);
  }

  public ReservationSweeper(ReservationLedger ledger, TransactionResolver resolver,
      ParticipantSettings settings, InstantSource clock, Listener listener) {
    this.ledger = ledger;
    this.resolver = resolver;
    this.settings = settings;
    this.clock = clock;
    this.listener = listener;
  }

  /** Sweeps every {@code sweepInterval} on a thread of its own until closed. */
  public void start(String name) {
    schedule.start(name + "-reservation-sweeper", settings.sweepInterval(), this::sweepLogged);
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
      // Its lines, and its confirm or cancel, with the txn_id in the MDC (no trace is known).
      try (LogContext.Scope ids = LogContext.withTxn(txnId, null)) {
        if (!decide(txnId)) {
          // The coordinator is down for all of them; try again on the next sweep.
          break;
        }
      }
      decided++;
    }
    return decided;
  }

  /** Asks about one expired reservation and does as told; false when nobody could be asked. */
  private boolean decide(String txnId) {
    TransactionResolver.Outcome outcome;
    try {
      outcome = resolver.resolve(txnId);
    } catch (TransactionResolver.CoordinatorUnavailableException e) {
      log.warn("txn_id={} reservation past its TTL kept: coordinator unavailable ({})", txnId,
          e.getMessage());
      listener.kept();
      return false;
    }
    if (outcome == TransactionResolver.Outcome.COMMIT) {
      ledger.confirm(txnId);
    } else {
      ledger.cancel(txnId);
    }
    log.info("txn_id={} reservation past its TTL resolved by the coordinator: {}", txnId,
        outcome);
    listener.resolved(outcome);
    return true;
  }

  private void sweepLogged() {
    try {
      sweepOnce();
      listener.swept();
    } catch (StoreUnavailableException e) {
      listener.failed();
      // The store logged it once already; a sweep every few seconds must not repeat it.
      log.debug("reservation sweep stopped, the store cannot be written: {}", e.getMessage());
    } catch (RuntimeException e) {
      listener.failed();
      log.error("reservation sweep failed; retrying on the next one", e);
    }
  }

  /** Stops sweeping and waits for a sweep in progress, so the ledger may be closed next. */
  @Override
  public void close() {
    schedule.close();
  }
}
