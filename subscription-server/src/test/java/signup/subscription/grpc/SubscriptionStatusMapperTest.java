package signup.subscription.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import signup.common.domain.Device;
import signup.common.domain.TransactionCancelledException;
import signup.subscription.domain.Money;
import signup.subscription.domain.Plan;
import signup.subscription.domain.PlanNotEligibleException;
import signup.subscription.domain.SubscriptionExistsException;

class SubscriptionStatusMapperTest {
  private final SubscriptionStatusMapper mapper = new SubscriptionStatusMapper();

  @Test
  void anExistingSubscriptionIsAlreadyExists() {
    assertEquals(Status.Code.ALREADY_EXISTS,
        mapper.toStatus(new SubscriptionExistsException("client-1")).getStatus().getCode());
  }

  @Test
  void anIneligiblePlanIsAFailedPreconditionExplainedToAPerson() {
    Plan usIos = new Plan("us-ios", "US iOS", "US", Device.IOS, new Money(999, "USD"));
    Plan global = new Plan("global", "Global", null, null, new Money(499, "USD"));

    Status status = mapper.toStatus(new PlanNotEligibleException(usIos, "client-1", "GB",
        Device.ANDROID, List.of(global))).getStatus();

    assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
    assertEquals("plan us-ios is for US on IOS; client client-1 is in GB on ANDROID, where the "
        + "plans offered are: global", status.getDescription());
  }

  @Test
  void sharedExceptionsAreMappedTheSharedWay() {
    assertEquals(Status.Code.ABORTED,
        mapper.toStatus(new TransactionCancelledException("txn-1")).getStatus().getCode());
  }

  @Test
  void anUnexpectedFailureIsInternalWithoutItsDetails() {
    StatusRuntimeException mapped =
        mapper.toStatus(new IllegalStateException("secret stack detail at " + Instant.now()));

    assertEquals(Status.Code.INTERNAL, mapped.getStatus().getCode());
    assertFalse(mapped.getStatus().getDescription().contains("secret"));
  }
}
