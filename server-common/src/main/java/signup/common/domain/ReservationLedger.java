package signup.common.domain;

import java.time.Instant;
import java.util.List;

/** A participant's reservations, as the sweeper sees them. */
public interface ReservationLedger {
  /**
   * Claims for this replica, until {@code claimUntil}, the transactions reserved before
   * {@code cutoff} and still undecided, oldest first: those another replica has claimed and
   * still holds are left to it, so that the sweepers of several replicas sharing one database do
   * not work one reservation twice; this replica's own are claimed again.
   */
  List<String> claimReservedBefore(Instant cutoff, Instant claimUntil, int limit);

  void confirm(String txnId);

  void cancel(String txnId);
}
