package signup.subscription.grpc;

import io.grpc.stub.StreamObserver;
import signup.common.domain.TxnResult;
import signup.common.grpc.ExceptionMapper;
import signup.common.grpc.NonBlockingService;
import signup.common.grpc.ProtoValues;
import signup.common.grpc.Replies;
import signup.subscription.domain.Subscriptions;
import signup.subscription.v1.CancelSubscriptionRequest;
import signup.subscription.v1.CancelSubscriptionResponse;
import signup.subscription.domain.Subscription;
import signup.subscription.v1.ConfirmSubscriptionBatchRequest;
import signup.subscription.v1.ConfirmSubscriptionBatchResponse;
import signup.subscription.v1.ConfirmSubscriptionRequest;
import signup.subscription.v1.ConfirmSubscriptionResponse;
import signup.subscription.v1.ConfirmSubscriptionResult;
import signup.subscription.v1.ReserveSubscriptionRequest;
import signup.subscription.v1.ReserveSubscriptionResponse;
import signup.subscription.v1.SubscriptionParticipantGrpc;

/**
 * The participant's side of try-confirm-cancel, called by the orchestrator. The calls never
 * block: each answers when its write is durable, so they run on the transport thread (see
 * {@link NonBlockingService}). Failures go to the server's mapper: a call's through gRPC, each
 * txn's of a batch into its result.
 */
public final class SubscriptionParticipantImpl
    extends SubscriptionParticipantGrpc.SubscriptionParticipantImplBase
    implements NonBlockingService {
  private final Subscriptions subscriptions;
  private final ExceptionMapper mapper;

  /** @param mapper the server's, which a batch's failed txns are answered through */
  public SubscriptionParticipantImpl(Subscriptions subscriptions, ExceptionMapper mapper) {
    this.subscriptions = subscriptions;
    this.mapper = mapper;
  }

  @Override
  public void reserve(ReserveSubscriptionRequest request,
      StreamObserver<ReserveSubscriptionResponse> response) {
    Replies.when(subscriptions.reserve(request.getTxnId(), request.getClientId(),
            request.getRegion(), ProtoValues.device(request.getDevice())),
        reserved -> ReserveSubscriptionResponse.newBuilder()
            .setSubscription(ProtoMapping.subscription(reserved))
            .build(),
        response);
  }

  @Override
  public void confirm(ConfirmSubscriptionRequest request,
      StreamObserver<ConfirmSubscriptionResponse> response) {
    Replies.when(subscriptions.confirm(request.getTxnId()),
        confirmed -> ConfirmSubscriptionResponse.newBuilder()
            .setSubscription(ProtoMapping.subscription(confirmed))
            .build(),
        response);
  }

  @Override
  public void confirmBatch(ConfirmSubscriptionBatchRequest request,
      StreamObserver<ConfirmSubscriptionBatchResponse> response) {
    Replies.when(subscriptions.confirmAll(request.getTxnIdsList()),
        results -> {
          ConfirmSubscriptionBatchResponse.Builder reply =
              ConfirmSubscriptionBatchResponse.newBuilder();
          for (TxnResult<Subscription> result : results) {
            ConfirmSubscriptionResult.Builder one = reply.addResultsBuilder()
                .setTxnId(result.txnId());
            if (result.ok()) {
              one.setUpdatedAt(ProtoValues.timestamp(result.value().updatedAt()));
            } else {
              one.setError(Replies.status(mapper, result.failure()));
            }
          }
          return reply.build();
        },
        response);
  }

  @Override
  public void cancel(CancelSubscriptionRequest request,
      StreamObserver<CancelSubscriptionResponse> response) {
    Replies.when(subscriptions.cancel(request.getTxnId()),
        done -> CancelSubscriptionResponse.getDefaultInstance(), response);
  }
}
