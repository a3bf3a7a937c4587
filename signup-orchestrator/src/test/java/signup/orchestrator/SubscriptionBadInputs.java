package signup.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static signup.orchestrator.BadInput.answered;
import static signup.orchestrator.BadInput.refused;
import static signup.orchestrator.BadInput.tombstone;
import static signup.orchestrator.OrchestratorBadInputs.DEVICE_RULE;
import static signup.orchestrator.OrchestratorBadInputs.FI_LIGATURE;
import static signup.orchestrator.OrchestratorBadInputs.newId;

import io.grpc.Status.Code;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import signup.common.v1.DeviceType;
import signup.orchestrator.BadInput.Step;
import signup.subscription.v1.CancelSubscriptionRequest;
import signup.subscription.v1.ConfirmSubscriptionRequest;
import signup.subscription.v1.GetSubscriptionRequest;
import signup.subscription.v1.ListPlansRequest;
import signup.subscription.v1.QuotePlanRequest;
import signup.subscription.v1.ReserveSubscriptionRequest;
import signup.subscription.v1.SubscribeRequest;

/** The bad-input table of subscription-server: SubscriptionService and its participant. */
final class SubscriptionBadInputs {
  private SubscriptionBadInputs() {}

  static Stream<BadInput> subscriptionService() {
    String unknownClient = newId();
    return Stream.of(
        answered("SubscriptionService.ListPlans lists the three plans",
            f -> {
              var plans = f.subscriptions().listPlans(ListPlansRequest.getDefaultInstance());
              assertEquals(3, plans.getPlansCount());
              return plans;
            }, Code.OK, null),
        refused("SubscriptionService.QuotePlan with every field missing",
            f -> f.subscriptions().quotePlan(QuotePlanRequest.getDefaultInstance()),
            "region", "device"),
        quoteRefused("region ZZ", "ZZ", DeviceType.WEB, "region"),
        quoteRefused("region with a NUL", "U\u0000", DeviceType.WEB, "region"),
        quoteRefused("region of a ligature that upper-cases to FI", FI_LIGATURE, DeviceType.WEB,
            "region"),
        quoteRefused("device DEVICE_TYPE_UNSPECIFIED", "US", DeviceType.DEVICE_TYPE_UNSPECIFIED,
            "device").saying(DEVICE_RULE),
        refused("SubscriptionService.QuotePlan with device number 99",
            f -> f.subscriptions().quotePlan(QuotePlanRequest.newBuilder().setRegion("US")
                .setDeviceValue(99).build()), "device").saying(DEVICE_RULE),
        getSubscriptionRefused("client_id empty", ""),
        getSubscriptionRefused("client_id of 129 characters", "c".repeat(129)),
        answered("SubscriptionService.GetSubscription of an unknown client_id, named whole",
            f -> f.subscriptions().getSubscription(GetSubscriptionRequest.newBuilder()
                .setClientId(unknownClient).build()), Code.NOT_FOUND,
            "no subscription with client_id " + unknownClient),
        refused("SubscriptionService.Subscribe with every field missing",
            f -> f.subscriptions().subscribe(SubscribeRequest.getDefaultInstance()),
            "client_id", "plan_id"),
        refused("SubscriptionService.Subscribe with a plan_id holding a space",
            f -> f.subscriptions().subscribe(SubscribeRequest.newBuilder()
                .setClientId(f.seedClientId()).setPlanId("global' OR '1'='1").build()),
            "plan_id"),
        answered("SubscriptionService.Subscribe to an unknown plan",
            f -> f.subscriptions().subscribe(SubscribeRequest.newBuilder()
                .setClientId(f.seedClientId()).setPlanId("gold").build()),
            Code.NOT_FOUND, "no plan with plan_id gold"),
        answered("SubscriptionService.Subscribe to an SQL-looking plan",
            f -> f.subscriptions().subscribe(SubscribeRequest.newBuilder()
                .setClientId(f.seedClientId()).setPlanId("global';--").build()),
            Code.NOT_FOUND, "plan"),
        answered("SubscriptionService.Subscribe of an unknown client",
            f -> f.subscriptions().subscribe(SubscribeRequest.newBuilder()
                .setClientId(newId()).setPlanId("global").build()), Code.NOT_FOUND, "client"),
        answered("SubscriptionService.Subscribe to a plan not offered to the client",
            f -> f.subscriptions().subscribe(SubscribeRequest.newBuilder()
                .setClientId(f.seedClientId()).setPlanId("us-android").build()),
            Code.FAILED_PRECONDITION, "us-android"),
        answered("SubscriptionService.Subscribe to the plan the client has",
            f -> f.subscriptions().subscribe(SubscribeRequest.newBuilder()
                .setClientId(f.seedClientId()).setPlanId("us-ios").build()), Code.OK, null));
  }

  static Stream<BadInput> subscriptionParticipant() {
    String cancelled = newId();
    String unknownCancel = newId();
    String unknownConfirm = newId();
    return Stream.of(
        refused("SubscriptionParticipant.Reserve with every field missing",
            f -> f.subscriptionParticipant().reserve(
                ReserveSubscriptionRequest.getDefaultInstance()),
            "txn_id", "client_id", "region", "device"),
        subscriptionReserveRefused("txn_id of 129 characters", r -> r.setTxnId("t".repeat(129)),
            "txn_id"),
        subscriptionReserveRefused("txn_id of 60,000 characters",
            r -> r.setTxnId("t".repeat(60_000)), "txn_id"),
        subscriptionReserveRefused("txn_id with a NUL", r -> r.setTxnId("t\u0000"), "txn_id"),
        subscriptionReserveRefused("client_id with a space", r -> r.setClientId("a b"),
            "client_id"),
        subscriptionReserveRefused("region USA", r -> r.setRegion("USA"), "region"),
        subscriptionReserveRefused("region of a ligature that upper-cases to FI",
            r -> r.setRegion(FI_LIGATURE), "region"),
        subscriptionReserveRefused("device DEVICE_TYPE_UNSPECIFIED",
            r -> r.setDevice(DeviceType.DEVICE_TYPE_UNSPECIFIED), "device"),
        subscriptionReserveRefused("device number 99", r -> r.setDeviceValue(99), "device")
            .saying(DEVICE_RULE),
        answered("SubscriptionParticipant.Reserve for the seed's client under another txn",
            f -> f.subscriptionParticipant().reserve(subscriptionReserve()
                .setClientId(f.seedClientId()).build()), Code.ALREADY_EXISTS, "client"),
        answered("SubscriptionParticipant.Reserve after its Cancel (the tombstone refuses it)",
            f -> f.subscriptionParticipant().reserve(subscriptionReserve().setTxnId(cancelled)
                .build()), Code.ABORTED, "already cancelled").after(cancelSubscription(cancelled)),

        refused("SubscriptionParticipant.Confirm with txn_id empty",
            f -> f.subscriptionParticipant().confirm(
                ConfirmSubscriptionRequest.getDefaultInstance()), "txn_id"),
        answered("SubscriptionParticipant.Confirm of an unknown txn_id",
            f -> f.subscriptionParticipant().confirm(ConfirmSubscriptionRequest.newBuilder()
                .setTxnId(unknownConfirm).build()), Code.NOT_FOUND,
            "no reservation with txn_id " + unknownConfirm),
        answered("SubscriptionParticipant.Confirm after its Cancel",
            f -> f.subscriptionParticipant().confirm(ConfirmSubscriptionRequest.newBuilder()
                .setTxnId(cancelled).build()), Code.FAILED_PRECONDITION, "already CANCELLED")
            .after(cancelSubscription(cancelled)),

        refused("SubscriptionParticipant.Cancel with txn_id empty",
            f -> f.subscriptionParticipant().cancel(
                CancelSubscriptionRequest.getDefaultInstance()), "txn_id"),
        answered("SubscriptionParticipant.Cancel of an unknown txn_id leaves a tombstone",
            cancelSubscription(unknownCancel), Code.OK, null)
            .writing(tombstone("subscription.db", unknownCancel)),
        answered("SubscriptionParticipant.Cancel after its Confirm (the seed's txn)",
            f -> f.subscriptionParticipant().cancel(CancelSubscriptionRequest.newBuilder()
                .setTxnId(f.seedTxnId()).build()), Code.FAILED_PRECONDITION,
            "already CONFIRMED"));
  }

  // --- row builders ----------------------------------------------------------------------------

  private static ReserveSubscriptionRequest.Builder subscriptionReserve() {
    return ReserveSubscriptionRequest.newBuilder()
        .setTxnId(newId())
        .setClientId(newId())
        .setRegion("US")
        .setDevice(DeviceType.IOS);
  }

  private static Step cancelSubscription(String txnId) {
    return f -> f.subscriptionParticipant().cancel(CancelSubscriptionRequest.newBuilder()
        .setTxnId(txnId).build());
  }

  private static BadInput quoteRefused(String what, String region, DeviceType device,
      String field) {
    return refused("SubscriptionService.QuotePlan with " + what, f -> f.subscriptions()
        .quotePlan(QuotePlanRequest.newBuilder().setRegion(region).setDevice(device).build()),
        field);
  }

  private static BadInput getSubscriptionRefused(String what, String clientId) {
    return refused("SubscriptionService.GetSubscription with " + what, f -> f.subscriptions()
        .getSubscription(GetSubscriptionRequest.newBuilder().setClientId(clientId).build()),
        "client_id");
  }

  private static BadInput subscriptionReserveRefused(String what,
      UnaryOperator<ReserveSubscriptionRequest.Builder> bad, String field) {
    ReserveSubscriptionRequest request = bad.apply(subscriptionReserve()).build();
    return refused("SubscriptionParticipant.Reserve with " + what,
        f -> f.subscriptionParticipant().reserve(request), field);
  }
}
