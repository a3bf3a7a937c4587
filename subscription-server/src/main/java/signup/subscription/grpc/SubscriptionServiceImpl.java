package signup.subscription.grpc;

import io.grpc.stub.StreamObserver;
import signup.common.grpc.ProtoValues;
import signup.subscription.domain.Subscriptions;
import signup.subscription.v1.GetSubscriptionRequest;
import signup.subscription.v1.ListPlansRequest;
import signup.subscription.v1.ListPlansResponse;
import signup.subscription.v1.QuotePlanRequest;
import signup.subscription.v1.QuotePlanResponse;
import signup.subscription.v1.SubscribeRequest;
import signup.subscription.v1.Subscription;
import signup.subscription.v1.SubscriptionServiceGrpc;

/** The public plan catalogue and confirmed subscriptions. Failures are mapped by SubscriptionStatusMapper. */
public final class SubscriptionServiceImpl
    extends SubscriptionServiceGrpc.SubscriptionServiceImplBase {
  private final Subscriptions subscriptions;

  public SubscriptionServiceImpl(Subscriptions subscriptions) {
    this.subscriptions = subscriptions;
  }

  @Override
  public void listPlans(ListPlansRequest request, StreamObserver<ListPlansResponse> response) {
    ListPlansResponse.Builder plans = ListPlansResponse.newBuilder();
    subscriptions.listPlans().forEach(plan -> plans.addPlans(ProtoMapping.plan(plan)));
    response.onNext(plans.build());
    response.onCompleted();
  }

  @Override
  public void quotePlan(QuotePlanRequest request, StreamObserver<QuotePlanResponse> response) {
    var plan = subscriptions.quote(request.getRegion(), ProtoValues.device(request.getDevice()));
    response.onNext(QuotePlanResponse.newBuilder().setPlan(ProtoMapping.plan(plan)).build());
    response.onCompleted();
  }

  @Override
  public void getSubscription(GetSubscriptionRequest request,
      StreamObserver<Subscription> response) {
    response.onNext(ProtoMapping.subscription(
        subscriptions.getSubscription(request.getClientId())));
    response.onCompleted();
  }

  @Override
  public void subscribe(SubscribeRequest request, StreamObserver<Subscription> response) {
    response.onNext(ProtoMapping.subscription(
        subscriptions.subscribe(request.getClientId(), request.getPlanId())));
    response.onCompleted();
  }
}
