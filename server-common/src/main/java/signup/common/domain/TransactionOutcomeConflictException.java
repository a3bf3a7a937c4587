package signup.common.domain;

/**
 * A confirm of a cancelled transaction, or a cancel of a confirmed one. Either means the
 * coordinator broke the protocol: it is refused and logged as an error.
 */
public final class TransactionOutcomeConflictException extends RuntimeException {
  private final String txnId;

  public TransactionOutcomeConflictException(String txnId, BarrierState actual, String attempted) {
    super("cannot " + attempted + " transaction " + txnId + ": it is already " + actual);
    this.txnId = txnId;
  }

  public String txnId() {
    return txnId;
  }
}
