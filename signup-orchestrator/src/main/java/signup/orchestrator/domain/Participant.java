package signup.orchestrator.domain;

import java.util.concurrent.CompletableFuture;

/**
 * The second phase, common to both participants. Futures fail with {@link ParticipantException}.
 * Both calls are idempotent on the participant's side, so they may be repeated freely.
 */
public interface Participant {
  /** For logs: "client", "subscription". */
  String name();

  CompletableFuture<Void> confirm(String txnId);

  CompletableFuture<Void> cancel(String txnId);
}
