package signup.orchestrator.grpc;

import io.grpc.Channel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import signup.common.domain.Device;
import signup.common.grpc.ProtoValues;
import signup.orchestrator.domain.PlanQuote;
import signup.orchestrator.domain.SubscriptionParticipantPort;
import signup.orchestrator.domain.SubscriptionReservation;
import signup.subscription.v1.CancelSubscriptionRequest;
import signup.subscription.v1.ConfirmSubscriptionRequest;
import signup.subscription.v1.Plan;
import signup.subscription.v1.ReserveSubscriptionRequest;
import signup.subscription.v1.SubscriptionParticipantGrpc;

/** The subscription participant over gRPC, every call with its deadline. */
public final class SubscriptionParticipantClient implements SubscriptionParticipantPort {
  private static final String NAME = "subscription-server";

  private final SubscriptionParticipantGrpc.SubscriptionParticipantFutureStub stub;
  private final Duration reserveDeadline;
  private final Duration callDeadline;

  public SubscriptionParticipantClient(Channel channel, Duration reserveDeadline,
      Duration callDeadline) {
    this.stub = ParticipantCalls.repliesOnTransportThread(
        SubscriptionParticipantGrpc.newFutureStub(channel));
    this.reserveDeadline = reserveDeadline;
    this.callDeadline = callDeadline;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompletableFuture<SubscriptionReservation> reserve(String txnId, String clientId,
      String region, Device device) {
    ReserveSubscriptionRequest message = ReserveSubscriptionRequest.newBuilder()
        .setTxnId(txnId)
        .setClientId(clientId)
        .setRegion(region)
        .setDevice(ProtoValues.deviceType(device))
        .build();
    return ParticipantCalls.call(NAME,
        stub.withDeadlineAfter(reserveDeadline.toMillis(), TimeUnit.MILLISECONDS)
            .reserve(message),
        reply -> new SubscriptionReservation(reply.getSubscription().getSubscriptionId(),
            planQuote(reply.getSubscription().getPlan())));
  }

  @Override
  public CompletableFuture<Void> confirm(String txnId) {
    return ParticipantCalls.call(NAME,
        stub.withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS)
            .confirm(ConfirmSubscriptionRequest.newBuilder().setTxnId(txnId).build()),
        reply -> null);
  }

  @Override
  public CompletableFuture<Void> cancel(String txnId) {
    return ParticipantCalls.call(NAME,
        stub.withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS)
            .cancel(CancelSubscriptionRequest.newBuilder().setTxnId(txnId).build()),
        reply -> null);
  }

  private static PlanQuote planQuote(Plan plan) {
    return new PlanQuote(plan.getPlanId(), plan.getName(),
        plan.getRegion().isEmpty() ? null : plan.getRegion(),
        ProtoValues.device(plan.getDevice()), plan.getPrice().getAmountMinor(),
        plan.getPrice().getCurrency());
  }
}
