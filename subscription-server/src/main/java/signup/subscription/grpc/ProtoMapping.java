package signup.subscription.grpc;

import signup.common.grpc.ProtoValues;
import signup.common.v1.Money;
import signup.subscription.domain.Plan;
import signup.subscription.domain.Subscription;
import signup.subscription.v1.SubscriptionStatus;

/** The domain's plans and subscriptions in their wire form. */
final class ProtoMapping {
  private ProtoMapping() {}

  static signup.subscription.v1.Plan plan(Plan plan) {
    return signup.subscription.v1.Plan.newBuilder()
        .setPlanId(plan.planId())
        .setName(plan.name())
        // On the wire "any" is the field's default: "" and DEVICE_TYPE_UNSPECIFIED.
        .setRegion(plan.region() == null ? "" : plan.region())
        .setDevice(ProtoValues.deviceType(plan.device()))
        .setPrice(Money.newBuilder()
            .setAmountMinor(plan.price().amountMinor())
            .setCurrency(plan.price().currency()))
        .build();
  }

  static signup.subscription.v1.Subscription subscription(Subscription subscription) {
    return signup.subscription.v1.Subscription.newBuilder()
        .setSubscriptionId(subscription.subscriptionId())
        .setClientId(subscription.clientId())
        .setPlan(plan(subscription.plan()))
        .setStatus(switch (subscription.status()) {
          case PENDING -> SubscriptionStatus.PENDING;
          case ACTIVE -> SubscriptionStatus.ACTIVE;
        })
        .setRegion(subscription.region())
        .setDevice(ProtoValues.deviceType(subscription.device()))
        .setCreatedAt(ProtoValues.timestamp(subscription.createdAt()))
        .setUpdatedAt(ProtoValues.timestamp(subscription.updatedAt()))
        .build();
  }
}
