package signup.subscription.domain;

import java.util.List;
import java.util.stream.Collectors;
import signup.common.domain.Device;

/** The plan exists but is not offered for the client's region and device. */
public final class PlanNotEligibleException extends RuntimeException {
  private final String planId;

  public PlanNotEligibleException(Plan plan, String clientId, String region, Device device,
      List<Plan> offered) {
    super("plan " + plan.planId() + " is for " + plan.audience() + "; client " + clientId
        + " is in " + region + " on " + device + ", where the plans offered are: "
        + offered.stream().map(Plan::planId).collect(Collectors.joining(", ")));
    this.planId = plan.planId();
  }

  public String planId() {
    return planId;
  }
}
