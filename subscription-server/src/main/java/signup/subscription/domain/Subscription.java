package signup.subscription.domain;

import java.time.Instant;
import java.util.Objects;
import signup.common.domain.Device;

/** A client's subscription to one plan; one per client. */
public record Subscription(String subscriptionId, String clientId, Plan plan, Status status,
    String region, Device device, Instant createdAt, Instant updatedAt) {

  public enum Status {
    /** Reserved by a sign-up not decided yet; invisible to readers. */
    PENDING,
    /** Confirmed and in force. */
    ACTIVE
  }

  public Subscription {
    Objects.requireNonNull(subscriptionId, "subscriptionId");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  public Subscription withPlan(Plan newPlan, Instant now) {
    return new Subscription(subscriptionId, clientId, newPlan, status, region, device, createdAt,
        now);
  }
}
