package signup.orchestrator.grpc;

import io.grpc.Channel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import signup.common.domain.Device;
import signup.common.grpc.ProtoValues;
import signup.orchestrator.domain.PlanQuote;
import signup.orchestrator.domain.SubscriptionParticipantPort;
import signup.orchestrator.domain.SubscriptionReservation;
import signup.subscription.v1.CancelSubscriptionRequest;
import signup.subscription.v1.ConfirmSubscriptionBatchRequest;
import signup.subscription.v1.ConfirmSubscriptionBatchResponse;
import signup.subscription.v1.ConfirmSubscriptionRequest;
import signup.subscription.v1.ConfirmSubscriptionResponse;
import signup.subscription.v1.Plan;
import signup.subscription.v1.ReserveSubscriptionRequest;
import signup.subscription.v1.SubscriptionParticipantGrpc;
import signup.subscription.v1.SubscriptionParticipantGrpc.SubscriptionParticipantFutureStub;

/** The subscription participant over gRPC, every call with its deadline. */
public final class SubscriptionParticipantClient extends ParticipantClient<
    SubscriptionParticipantFutureStub, ConfirmSubscriptionResponse,
    ConfirmSubscriptionBatchResponse>
    implements SubscriptionParticipantPort {
  /** @param batchSizes told how many txns each confirm call carries */
  public SubscriptionParticipantClient(Channel channel, Duration reserveDeadline,
      Duration callDeadline, IntConsumer batchSizes) {
    super("subscription-server", SubscriptionParticipantGrpc.newFutureStub(channel),
        reserveDeadline, callDeadline,
        new ConfirmCalls<>(
            (stub, txnId) -> stub.confirm(
                ConfirmSubscriptionRequest.newBuilder().setTxnId(txnId).build()),
            // The confirm stamps updated_at; a repeated one answers the stored time.
            reply -> reply.getSubscription().hasUpdatedAt()
                ? Optional.of(ProtoValues.instant(reply.getSubscription().getUpdatedAt()))
                : Optional.empty(),
            (stub, txnIds) -> stub.confirmBatch(
                ConfirmSubscriptionBatchRequest.newBuilder().addAllTxnIds(txnIds).build()),
            reply -> reply.getResultsList().stream()
                .map(result -> new BatchAnswer(result.getTxnId(),
                    result.hasError() ? result.getError() : null,
                    result.hasUpdatedAt()
                        ? Optional.of(ProtoValues.instant(result.getUpdatedAt()))
                        : Optional.empty()))
                .toList()),
        (stub, txnId) -> stub.cancel(
            CancelSubscriptionRequest.newBuilder().setTxnId(txnId).build()),
        batchSizes);
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
    return reserve(stub -> stub.reserve(message),
        reply -> new SubscriptionReservation(reply.getSubscription().getSubscriptionId(),
            planQuote(reply.getSubscription().getPlan()),
            ProtoValues.instant(reply.getSubscription().getCreatedAt()),
            ProtoValues.instant(reply.getSubscription().getUpdatedAt())));
  }

  private static PlanQuote planQuote(Plan plan) {
    return new PlanQuote(plan.getPlanId(), plan.getName(),
        plan.getRegion().isEmpty() ? null : plan.getRegion(),
        ProtoValues.device(plan.getDevice()), plan.getPrice().getAmountMinor(),
        plan.getPrice().getCurrency());
  }
}
