package signup.common.domain;

/**
 * One txn's answer within a batch: the value a call of that txn alone would have answered, or
 * the exception it would have failed with. One txn's failure is its own: the others of the
 * batch are answered as if each had been called alone.
 *
 * @param value null when failed
 * @param failure null when succeeded
 */
public record TxnResult<T>(String txnId, T value, RuntimeException failure) {
  public static <T> TxnResult<T> succeeded(String txnId, T value) {
    return new TxnResult<>(txnId, value, null);
  }

  public static <T> TxnResult<T> failed(String txnId, RuntimeException failure) {
    return new TxnResult<>(txnId, null, failure);
  }

  public boolean ok() {
    return failure == null;
  }
}
