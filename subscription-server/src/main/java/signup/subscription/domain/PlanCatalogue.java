package signup.subscription.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import signup.common.domain.Device;

/**
 * The plans on offer and the choice of one for a sign-up: the most specific plan offered to
 * (region, device) wins, that is exact (region, device), then (region, any), then (any, device),
 * then (any, any). A plan for any region and any device is required, so every valid sign-up gets
 * a plan. Immutable.
 */
public final class PlanCatalogue {
  private final List<Plan> plans;

  /**
   * @param plansInPreferenceOrder every plan; among plans equally specific, the earlier wins
   * @throws IllegalArgumentException without a plan for any region and any device, or with two
   *     plans of one id
   */
  public PlanCatalogue(List<Plan> plansInPreferenceOrder) {
    Set<String> ids = new HashSet<>();
    for (Plan plan : plansInPreferenceOrder) {
      if (!ids.add(plan.planId())) {
        throw new IllegalArgumentException("two plans have the id " + plan.planId());
      }
    }
    if (plansInPreferenceOrder.stream().noneMatch(plan -> plan.specificity() == 0)) {
      throw new IllegalArgumentException(
          "the catalogue needs a plan for any region and any device, so every sign-up gets one");
    }
    List<Plan> sorted = new ArrayList<>(plansInPreferenceOrder);
    // A stable sort: the given order decides between plans equally specific.
    sorted.sort(Comparator.comparingInt(Plan::specificity).reversed());
    this.plans = List.copyOf(sorted);
  }

  /** Every plan, most specific first. */
  public List<Plan> plans() {
    return plans;
  }

  public Optional<Plan> find(String planId) {
    return plans.stream().filter(plan -> plan.planId().equals(planId)).findFirst();
  }

  /** The plans a client in (region, device) may have, most specific first. */
  public List<Plan> offeredTo(String region, Device device) {
    return plans.stream().filter(plan -> plan.isOfferedTo(region, device)).toList();
  }

  /** The plan a sign-up from (region, device) gets: the most specific one offered. */
  public Plan choose(String region, Device device) {
    // Never empty: the constructor insists on a plan offered to everyone.
    return offeredTo(region, device).get(0);
  }
}
