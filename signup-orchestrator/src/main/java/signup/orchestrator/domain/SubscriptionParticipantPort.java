package signup.orchestrator.domain;

import java.util.concurrent.CompletableFuture;
import signup.common.domain.Device;

/** The subscription participant, as the protocol needs it. */
public interface SubscriptionParticipantPort extends Participant {
  CompletableFuture<SubscriptionReservation> reserve(String txnId, String clientId, String region,
      Device device);
}
