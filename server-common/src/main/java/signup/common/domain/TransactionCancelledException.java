package signup.common.domain;

/**
 * A reserve arrived for a transaction that was already cancelled: the cancel overtook it (the
 * tombstone), so the reserve must not leave a "hanging" row that nobody will ever cancel.
 */
public final class TransactionCancelledException extends RuntimeException {
  public TransactionCancelledException(String txnId) {
    super("transaction " + txnId + " was already cancelled");
  }
}
