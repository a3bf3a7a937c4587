package signup.subscription.domain;

import java.util.List;
import signup.common.domain.Device;

/** The three plans of DESIGN.md, as the migration seeds them. */
public final class SeededPlans {
  public static final Plan US_IOS =
      new Plan("us-ios", "US iOS", "US", Device.IOS, new Money(999, "USD"));
  public static final Plan US_ANDROID =
      new Plan("us-android", "US Android", "US", Device.ANDROID, new Money(799, "USD"));
  public static final Plan GLOBAL =
      new Plan("global", "Global", null, null, new Money(499, "USD"));

  public static final List<Plan> ALL = List.of(US_IOS, US_ANDROID, GLOBAL);

  private SeededPlans() {}
}
