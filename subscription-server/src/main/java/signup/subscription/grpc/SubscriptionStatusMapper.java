package signup.subscription.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import signup.common.grpc.ExceptionMapper;
import signup.common.grpc.StandardErrors;
import signup.subscription.domain.PlanNotEligibleException;
import signup.subscription.domain.SubscriptionExistsException;

/** The subscription server's failures as statuses: its own exceptions, then the shared ones. */
public final class SubscriptionStatusMapper implements ExceptionMapper {
  @Override
  public StatusRuntimeException toStatus(Throwable thrown) {
    if (thrown instanceof SubscriptionExistsException exists) {
      return Status.ALREADY_EXISTS.withDescription(exists.getMessage()).asRuntimeException();
    }
    if (thrown instanceof PlanNotEligibleException notEligible) {
      return Status.FAILED_PRECONDITION.withDescription(notEligible.getMessage())
          .asRuntimeException();
    }
    return StandardErrors.toStatus(thrown);
  }
}
