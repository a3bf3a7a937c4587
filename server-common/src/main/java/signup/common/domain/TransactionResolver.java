package signup.common.domain;

/** Asks the coordinator how an undecided transaction ended (presumed abort). */
public interface TransactionResolver {
  enum Outcome { COMMIT, ABORT }

  /**
   * The coordinator's decision; for a transaction it has not decided, it records the abort first.
   *
   * @throws CoordinatorUnavailableException when the coordinator cannot answer now
   */
  Outcome resolve(String txnId);

  /** The coordinator could not be asked; the reservation must be kept and asked about later. */
  final class CoordinatorUnavailableException extends RuntimeException {
    public CoordinatorUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
