package signup.subscription.grpc;

import io.grpc.stub.StreamObserver;
import signup.common.grpc.ProtoValues;
import signup.subscription.domain.Subscriptions;
import signup.subscription.v1.CancelSubscriptionRequest;
import signup.subscription.v1.CancelSubscriptionResponse;
import signup.subscription.v1.ConfirmSubscriptionRequest;
import signup.subscription.v1.ConfirmSubscriptionResponse;
import signup.subscription.v1.ReserveSubscriptionRequest;
import signup.subscription.v1.ReserveSubscriptionResponse;
import signup.subscription.v1.SubscriptionParticipantGrpc;

/** The participant's side of try-confirm-cancel, called by the orchestrator. */
public final class SubscriptionParticipantImpl
    extends SubscriptionParticipantGrpc.SubscriptionParticipantImplBase {
  private final Subscriptions subscriptions;

  public SubscriptionParticipantImpl(Subscriptions subscriptions) {
    this.subscriptions = subscriptions;
  }

  @Override
  public void reserve(ReserveSubscriptionRequest request,
      StreamObserver<ReserveSubscriptionResponse> response) {
    var reserved = subscriptions.reserve(request.getTxnId(), request.getClientId(),
        request.getRegion(), ProtoValues.device(request.getDevice()));
    response.onNext(ReserveSubscriptionResponse.newBuilder()
        .setSubscription(ProtoMapping.subscription(reserved))
        .build());
    response.onCompleted();
  }

  @Override
  public void confirm(ConfirmSubscriptionRequest request,
      StreamObserver<ConfirmSubscriptionResponse> response) {
    var confirmed = subscriptions.confirm(request.getTxnId());
    response.onNext(ConfirmSubscriptionResponse.newBuilder()
        .setSubscription(ProtoMapping.subscription(confirmed))
        .build());
    response.onCompleted();
  }

  @Override
  public void cancel(CancelSubscriptionRequest request,
      StreamObserver<CancelSubscriptionResponse> response) {
    subscriptions.cancel(request.getTxnId());
    response.onNext(CancelSubscriptionResponse.getDefaultInstance());
    response.onCompleted();
  }
}
