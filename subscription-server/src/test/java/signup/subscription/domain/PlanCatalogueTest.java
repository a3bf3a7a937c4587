package signup.subscription.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import signup.common.domain.Device;

class PlanCatalogueTest {
  private static final PlanCatalogue SEEDED = new PlanCatalogue(SeededPlans.ALL);

  // A catalogue with one plan per tier, to prove each fallback step on its own.
  private static final Plan FR_IOS = plan("fr-ios", "FR", Device.IOS);
  private static final Plan FR_ANY = plan("fr-any", "FR", null);
  private static final Plan ANY_IOS = plan("any-ios", null, Device.IOS);
  private static final Plan ANY_ANY = plan("any-any", null, null);
  private static final List<Plan> TIERS = List.of(ANY_ANY, ANY_IOS, FR_ANY, FR_IOS);

  static Stream<Arguments> everyRegionAndDevice() {
    List<Arguments> cases = new ArrayList<>();
    for (String region : List.of("US", "GB", "FR", "JP", "BR")) {
      for (Device device : Device.values()) {
        String expected = !region.equals("US") ? "global" : switch (device) {
          case IOS -> "us-ios";
          case ANDROID -> "us-android";
          case WEB -> "global";
        };
        cases.add(Arguments.of(region, device, expected));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} + {1} gets {2}")
  @MethodSource("everyRegionAndDevice")
  void theSeededCatalogueGivesEverySignupTheMostSpecificPlan(String region, Device device,
      String expectedPlan) {
    assertEquals(expectedPlan, SEEDED.choose(region, device).planId());
  }

  @Test
  void usIosSignupGetsTheUsIosPlan() {
    assertEquals(SeededPlans.US_IOS, SEEDED.choose("US", Device.IOS));
  }

  @ParameterizedTest(name = "{0} + {1} gets {2}")
  @CsvSource({
      "FR, IOS,     fr-ios",   // exact (region, device)
      "FR, ANDROID, fr-any",   // (region, any) when no exact plan
      "FR, WEB,     fr-any",
      "DE, IOS,     any-ios",  // (any, device) when the region has no plan
      "DE, WEB,     any-any",  // (any, any) last
      "US, ANDROID, any-any"})
  void eachFallbackTierIsTriedInOrder(String region, Device device, String expectedPlan) {
    assertEquals(expectedPlan, new PlanCatalogue(TIERS).choose(region, device).planId());
  }

  @Test
  void aRegionPlanBeatsADevicePlan() {
    // FR + ANDROID is offered both fr-any and any-android: the region is more specific.
    Plan anyAndroid = plan("any-android", null, Device.ANDROID);
    PlanCatalogue catalogue = new PlanCatalogue(List.of(anyAndroid, FR_ANY, ANY_ANY));

    assertEquals(FR_ANY, catalogue.choose("FR", Device.ANDROID));
    assertEquals(anyAndroid, catalogue.choose("DE", Device.ANDROID));
  }

  @Test
  void theOrderPlansAreGivenInDoesNotChangeTheChoiceBetweenTiers() {
    List<Plan> reversed = new ArrayList<>(TIERS);
    Collections.reverse(reversed);
    PlanCatalogue catalogue = new PlanCatalogue(reversed);

    assertEquals(FR_IOS, catalogue.choose("FR", Device.IOS));
    assertEquals(ANY_IOS, catalogue.choose("DE", Device.IOS));
  }

  @Test
  void betweenEquallySpecificPlansTheEarlierOneWins() {
    Plan preferred = plan("fr-ios-a", "FR", Device.IOS);
    Plan other = plan("fr-ios-b", "FR", Device.IOS);

    assertEquals(preferred,
        new PlanCatalogue(List.of(preferred, other, ANY_ANY)).choose("FR", Device.IOS));
  }

  @Test
  void plansAreListedMostSpecificFirst() {
    assertEquals(List.of(FR_IOS, FR_ANY, ANY_IOS, ANY_ANY), new PlanCatalogue(TIERS).plans());
    assertEquals(List.of("us-ios", "us-android", "global"),
        SEEDED.plans().stream().map(Plan::planId).toList());
  }

  @Test
  void aCatalogueWithoutAPlanForEveryoneIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PlanCatalogue(List.of(SeededPlans.US_IOS, SeededPlans.US_ANDROID)));
    assertTrue(e.getMessage().contains("any region and any device"), e.getMessage());
  }

  @Test
  void twoPlansWithOneIdAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> new PlanCatalogue(List.of(ANY_ANY, plan("any-any", "US", null))));
  }

  @Test
  void theOffersForAClientAreEveryPlanMatchingItsRegionAndDevice() {
    assertEquals(List.of(SeededPlans.US_IOS, SeededPlans.GLOBAL),
        SEEDED.offeredTo("US", Device.IOS));
    assertEquals(List.of(SeededPlans.GLOBAL), SEEDED.offeredTo("GB", Device.IOS));
  }

  private static Plan plan(String id, String region, Device device) {
    return new Plan(id, id, region, device, new Money(100, "EUR"));
  }
}
