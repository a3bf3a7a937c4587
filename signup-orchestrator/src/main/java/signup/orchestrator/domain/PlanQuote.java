package signup.orchestrator.domain;

import signup.common.domain.Device;

/**
 * The plan a participant chose, as the orchestrator records it.
 *
 * @param region null when the plan is for any region
 * @param device null when the plan is for any device
 */
public record PlanQuote(String planId, String name, String region, Device device,
    long amountMinor, String currency) {}
