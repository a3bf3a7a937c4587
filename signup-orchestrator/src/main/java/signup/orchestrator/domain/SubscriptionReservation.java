package signup.orchestrator.domain;

/** The subscription participant's answer to a reserve: the subscription and its plan. */
public record SubscriptionReservation(String subscriptionId, PlanQuote plan) {}
