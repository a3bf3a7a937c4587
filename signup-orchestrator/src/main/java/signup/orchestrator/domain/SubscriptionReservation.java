package signup.orchestrator.domain;

import java.time.Instant;

/**
 * The subscription participant's answer to a reserve: the subscription and its plan, with its
 * times as the participant stores them, so that the sign-up's reply shows the subscription as
 * GetSubscription does.
 *
 * @param createdAt null in log rows written before the log kept it
 * @param updatedAt as reserved, then as the confirm stamped it; null as createdAt
 */
public record SubscriptionReservation(String subscriptionId, PlanQuote plan, Instant createdAt,
    Instant updatedAt) {

  /** This subscription as its confirm left it, when the confirm reported a time. */
  SubscriptionReservation confirmedAt(Instant confirmedUpdatedAt) {
    return confirmedUpdatedAt == null ? this
        : new SubscriptionReservation(subscriptionId, plan, createdAt, confirmedUpdatedAt);
  }
}
