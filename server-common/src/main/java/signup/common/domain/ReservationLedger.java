package signup.common.domain;

import java.time.Instant;
import java.util.List;

/** A participant's reservations, as the sweeper sees them. */
public interface ReservationLedger {
  /** Transactions reserved before {@code cutoff} and still undecided, oldest first. */
  List<String> reservedBefore(Instant cutoff, int limit);

  void confirm(String txnId);

  void cancel(String txnId);
}
