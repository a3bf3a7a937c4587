package signup.orchestrator.domain;

import java.time.Instant;

/** The client participant's answer to a reserve. */
public record ClientReservation(String clientId, Instant createdAt) {}
