package signup.orchestrator.grpc;

import java.time.Instant;
import signup.client.v1.Client;
import signup.common.grpc.ProtoValues;
import signup.common.v1.Money;
import signup.orchestrator.domain.PlanQuote;
import signup.orchestrator.domain.SignupRecord;
import signup.orchestrator.v1.SignupResponse;
import signup.orchestrator.v1.SignupState;
import signup.orchestrator.v1.SignupStatus;
import signup.subscription.v1.Plan;
import signup.subscription.v1.Subscription;
import signup.subscription.v1.SubscriptionStatus;

/** Log records as the public messages. Nothing here can reach a password: the log has none. */
final class SignupMessages {
  private SignupMessages() {}

  static SignupResponse response(SignupRecord done) {
    Client client = Client.newBuilder()
        .setClientId(done.clientId())
        .setEmail(done.email())
        .setName(done.name())
        .setRegion(done.region())
        .setDevice(ProtoValues.deviceType(done.device()))
        .setCreatedAt(ProtoValues.timestamp(done.clientCreatedAt()))
        .build();
    Subscription subscription = Subscription.newBuilder()
        .setSubscriptionId(done.subscription().subscriptionId())
        .setClientId(done.clientId())
        .setPlan(plan(done.subscription().plan()))
        .setStatus(SubscriptionStatus.ACTIVE)
        .setRegion(done.region())
        .setDevice(ProtoValues.deviceType(done.device()))
        // The subscription's own times, as subscription-server stores them; a row logged before
        // the log kept them falls back to what it has.
        .setCreatedAt(ProtoValues.timestamp(orElse(done.subscription().createdAt(),
            done.clientCreatedAt())))
        .setUpdatedAt(ProtoValues.timestamp(orElse(done.subscription().updatedAt(),
            done.updatedAt())))
        .build();
    return SignupResponse.newBuilder()
        .setSignupId(done.txnId())
        .setClient(client)
        .setSubscription(subscription)
        .build();
  }

  static SignupStatus status(SignupRecord record) {
    SignupStatus.Builder status = SignupStatus.newBuilder()
        .setSignupId(record.txnId())
        .setRequestId(record.requestId())
        .setState(SignupState.valueOf(record.state().name()))
        .setCreatedAt(ProtoValues.timestamp(record.createdAt()))
        .setUpdatedAt(ProtoValues.timestamp(record.updatedAt()));
    if (record.clientId() != null) {
      // The client_id is chosen before the reserve; once the sign-up aborts, no client with
      // it ever exists, and a caller must not be handed an id that GetClient never finds.
      if (!aborted(record)) {
        status.setClientId(record.clientId());
      }
      status.setEmail(record.email())
          .setRegion(record.region())
          .setDevice(ProtoValues.deviceType(record.device()));
    }
    if (record.subscription() != null) {
      PlanQuote plan = record.subscription().plan();
      status.setPlanId(plan.planId()).setPrice(money(plan));
    }
    if (record.failureKind() != null) {
      status.setFailureCode(OrchestratorStatusMapper.codeOf(record.failureKind()).name())
          .setFailureMessage(record.failureMessage());
    }
    return status.build();
  }

  private static Instant orElse(Instant instant, Instant fallback) {
    return instant != null ? instant : fallback;
  }

  private static boolean aborted(SignupRecord record) {
    return record.state() == signup.orchestrator.domain.SignupState.ABORTING
        || record.state() == signup.orchestrator.domain.SignupState.ABORTED;
  }

  private static Plan plan(PlanQuote quote) {
    return Plan.newBuilder()
        .setPlanId(quote.planId())
        .setName(quote.name())
        .setRegion(quote.region() == null ? "" : quote.region())
        .setDevice(ProtoValues.deviceType(quote.device()))
        .setPrice(money(quote))
        .build();
  }

  private static Money money(PlanQuote quote) {
    return Money.newBuilder()
        .setAmountMinor(quote.amountMinor())
        .setCurrency(quote.currency())
        .build();
  }
}
