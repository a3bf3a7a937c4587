package signup.orchestrator.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import signup.common.domain.FinishedRecords;

/**
 * The orchestrator's durable log. Every state change is a conditional update, allowed only from
 * the states {@link SignupState#allowedFrom()} names, so the request thread, recovery and
 * {@code ResolveTransaction} can race without ever deciding twice, and a move the table does
 * not allow changes nothing. The happy path's three writes answer with a future, completed
 * once the write is durable (DONE: once it is committed; see {@link #markDone}).
 *
 * <p>Its finished records are DONE and ABORTED rows: once purged, the txn is unknown, which
 * {@link #resolveCommitted} answers as an abort (a DONE txn has no reservation left to ask about)
 * and a replay of its request_id starts a new sign-up.
 */
public interface SignupLog extends FinishedRecords {
  /**
   * Writes a new TRYING row durably, claimed by this orchestrator until its deadline: its
   * request drives it, no other orchestrator's recovery.
   *
   * @return empty when written; the existing row when its request_id is taken already
   */
  CompletableFuture<Optional<SignupRecord>> insertTrying(SignupRecord record);

  Optional<SignupRecord> find(String txnId);

  Optional<SignupRecord> findByRequestId(String requestId);

  /**
   * TRYING -> COMMITTING, the commit decision, with what the reserves answered (the
   * subscription's times included), claimed by this orchestrator until {@code claimUntil} while
   * its request confirms. False when the row is no longer TRYING.
   */
  CompletableFuture<Boolean> markCommitting(String txnId, Instant clientCreatedAt,
      SubscriptionReservation subscription, Instant now, Instant claimUntil);

  /**
   * COMMITTING -> DONE. False when the row is not COMMITTING (nothing is written). Committed and
   * read by every reader when the future completes, but a power cut may undo it: the row is then
   * COMMITTING again, for recovery to finish.
   *
   * @param subscriptionUpdatedAt the subscription's updated_at as its confirm answered it; null
   *     keeps the reserve's
   */
  CompletableFuture<Boolean> markDone(String txnId, Instant now, Instant subscriptionUpdatedAt);

  /** TRYING -> ABORTING, the abort decision. False when the row is no longer TRYING. */
  boolean markAborting(String txnId, FailureKind kind, String message, Instant now);

  /** ABORTING -> ABORTED. False when the row is not ABORTING (nothing is written). */
  boolean markAborted(String txnId, Instant now);

  /**
   * Atomically: COMMIT when committing or done; otherwise abort (TRYING -> ABORTING, and an
   * unknown txn recorded as ABORTED so that it can never commit later).
   */
  boolean resolveCommitted(String txnId, Instant now);

  /**
   * Claims for this orchestrator, until {@code claimUntil}, the rows recovery drives
   * ({@link SignupState#recoveredTo()}): COMMITTING and ABORTING rows decided before
   * {@code decidedBefore} (younger ones are their request's), and TRYING rows past their
   * deadline; oldest first. A row another orchestrator sharing the log holds (its request is
   * driving it, or its recovery took it) is left to it until its claim runs out; this
   * orchestrator's own rows are claimed again, which keeps them its own while it lives.
   */
  List<SignupRecord> claimForRecovery(Instant now, Instant decidedBefore, Instant claimUntil,
      int limit);
}
