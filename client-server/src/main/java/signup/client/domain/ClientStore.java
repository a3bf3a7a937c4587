package signup.client.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import signup.common.domain.TxnResult;

/**
 * Where clients are kept, together with the transaction barrier that guards them. Every write
 * is atomic: the barrier row and the client row change together or not at all. Writes answer
 * with a future, completed once the write is durable; the exceptions below fail the future.
 */
public interface ClientStore {
  /**
   * Writes the client as pending under its txn; a replay of a reserved or confirmed txn returns
   * the client written the first time.
   *
   * @throws EmailTakenException when another client, pending or confirmed, has the e-mail
   * @throws signup.common.domain.TransactionCancelledException when the txn was cancelled first
   */
  CompletableFuture<Client> reserve(PendingClient pending);

  /**
   * Makes the client of a reserved txn visible; idempotent.
   *
   * @throws signup.common.domain.NotFoundException when nothing was reserved under the txn
   * @throws signup.common.domain.TransactionOutcomeConflictException when it was cancelled
   */
  CompletableFuture<Client> confirm(String txnId);

  /**
   * {@link #confirm} of each txn, all in one atomic write: one result per txn, in their order,
   * each as its confirm alone would answer. A failure of the write as a whole (the store cannot
   * write) fails the future and confirms none.
   */
  CompletableFuture<List<TxnResult<Client>>> confirmAll(List<String> txnIds);

  /**
   * Removes the pending client of the txn, or leaves a tombstone for an unknown txn; idempotent.
   *
   * @throws signup.common.domain.TransactionOutcomeConflictException when it was confirmed
   */
  CompletableFuture<Void> cancel(String txnId);

  Optional<Client> findConfirmed(String clientId);

  /** By normalised e-mail. */
  Optional<Client> findConfirmedByEmail(String email);

  /** What a log-in checks: a confirmed client's id and password hash, by normalised e-mail. */
  Optional<Credentials> findCredentials(String email);

  /**
   * Claims for this replica, until {@code claimUntil}, the transactions reserved before
   * {@code cutoff} and still undecided, oldest first, leaving those another replica holds
   * (see {@link signup.common.domain.ReservationLedger#claimReservedBefore}).
   */
  List<String> claimReservedBefore(Instant cutoff, Instant claimUntil, int limit);
}
