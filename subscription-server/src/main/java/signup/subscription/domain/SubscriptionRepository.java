package signup.subscription.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import signup.common.domain.TxnResult;

/**
 * Where plans and subscriptions are kept. Reserve, confirm and cancel are atomic with the
 * transaction's barrier record, and idempotent per transaction id; they answer with a future,
 * completed once the write is durable, which the exceptions below fail.
 */
public interface SubscriptionRepository {
  /** Every plan, in preference order. */
  List<Plan> loadPlans();

  /**
   * Writes {@code pending} under {@code txnId}, or returns what an earlier reserve of
   * {@code txnId} wrote.
   *
   * @throws SubscriptionExistsException when the client already has a subscription
   * @throws signup.common.domain.TransactionCancelledException when the txn was cancelled
   */
  CompletableFuture<Subscription> reserve(String txnId, Subscription pending);

  /**
   * Makes the subscription reserved under {@code txnId} active; once.
   *
   * @throws signup.common.domain.NotFoundException when nothing was reserved under txnId
   * @throws signup.common.domain.TransactionOutcomeConflictException when it was cancelled
   */
  CompletableFuture<Subscription> confirm(String txnId, Instant now);

  /**
   * {@link #confirm} of each txn, all in one atomic write: one result per txn, in their order,
   * each as its confirm alone would answer. A failure of the write as a whole (the store cannot
   * write) fails the future and confirms none.
   */
  CompletableFuture<List<TxnResult<Subscription>>> confirmAll(List<String> txnIds, Instant now);

  /**
   * Removes what {@code txnId} reserved, or leaves a tombstone for an unknown txn; once.
   *
   * @throws signup.common.domain.TransactionOutcomeConflictException when it was confirmed
   */
  CompletableFuture<Void> cancel(String txnId);

  /** The client's confirmed subscription; pending ones are invisible. */
  Optional<Subscription> findActive(String clientId);

  /** Moves the client's confirmed subscription to {@code plan}; empty when there is none. */
  Optional<Subscription> changePlan(String clientId, Plan plan, Instant now);

  /**
   * Claims for this replica, until {@code claimUntil}, the transactions reserved before
   * {@code cutoff} and still undecided, oldest first, leaving those another replica holds
   * (see {@link signup.common.domain.ReservationLedger#claimReservedBefore}).
   */
  List<String> claimReservedBefore(Instant cutoff, Instant claimUntil, int limit);
}
