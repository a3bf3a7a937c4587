package signup.subscription.domain;

import java.util.Objects;
import signup.common.domain.Device;

/**
 * One plan of the catalogue.
 *
 * @param region ISO 3166-1 alpha-2 code the plan is for, or null for any region
 * @param device the device the plan is for, or null for any device
 */
public record Plan(String planId, String name, String region, Device device, Money price) {
  public Plan {
    Objects.requireNonNull(planId, "planId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(price, "price");
    if (planId.isBlank()) {
      throw new IllegalArgumentException("a plan needs an id");
    }
    if (region != null && !region.matches("[A-Z]{2}")) {
      throw new IllegalArgumentException("plan " + planId + ": region must be an upper-case "
          + "alpha-2 code or null for any, not '" + region + "'");
    }
  }

  /** Whether a client in {@code region} on {@code device} may have this plan. */
  public boolean isOfferedTo(String clientRegion, Device clientDevice) {
    return (region == null || region.equals(clientRegion))
        && (device == null || device == clientDevice);
  }

  /**
   * How narrowly the plan is aimed: 3 for (region, device), 2 for (region, any), 1 for
   * (any, device), 0 for (any, any). A region outranks a device, as DESIGN.md orders them.
   */
  public int specificity() {
    return (region != null ? 2 : 0) + (device != null ? 1 : 0);
  }

  /** "US on IOS", "any region on any device": for messages people read. */
  public String audience() {
    return (region == null ? "any region" : region) + " on "
        + (device == null ? "any device" : device.name());
  }
}
