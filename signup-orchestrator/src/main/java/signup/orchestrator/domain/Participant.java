package signup.orchestrator.domain;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The second phase, common to both participants. Futures fail with {@link ParticipantException}.
 * Both calls are idempotent on the participant's side, so they may be repeated freely.
 */
public interface Participant {
  /** For logs: "client", "subscription". */
  String name();

  /**
   * Confirms the txn's reservation.
   *
   * @return once acknowledged: when the participant's record was last updated, as it stores
   *     and shows it (a subscription's updated_at, which the confirm stamps; a repeated confirm
   *     answers the same), or empty where its record shows no such time (a client)
   */
  CompletableFuture<Optional<Instant>> confirm(String txnId);

  CompletableFuture<Void> cancel(String txnId);
}
