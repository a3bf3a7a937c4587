package signup.orchestrator.domain;

import java.util.concurrent.CompletableFuture;

/** The client participant, as the protocol needs it. */
public interface ClientParticipantPort extends Participant {
  CompletableFuture<ClientReservation> reserve(String txnId, String clientId,
      SignupRequest request);
}
