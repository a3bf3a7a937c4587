package signup.subscription.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static signup.common.domain.Completions.await;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import signup.common.domain.Device;
import signup.common.domain.FieldViolation;
import signup.common.domain.InvalidInputException;
import signup.common.domain.NotFoundException;
import signup.common.domain.TxnResult;

/** The rules of the domain service, over a repository that records what it is asked. */
class SubscriptionsTest {
  private static final Instant NOW = Instant.parse("2026-01-15T10:00:00.123456Z");

  private final RecordingRepository repository = new RecordingRepository();
  private final Subscriptions subscriptions = new Subscriptions(repository,
      new PlanCatalogue(SeededPlans.ALL), InstantSource.fixed(NOW));

  @Test
  void aReservationGetsTheChosenPlanAsPendingWithTheRegionNormalised() {
    Subscription reserved = await(subscriptions.reserve("txn-1", "client-1", " us ", Device.ANDROID));

    assertEquals(SeededPlans.US_ANDROID, reserved.plan());
    assertEquals(Subscription.Status.PENDING, reserved.status());
    assertEquals("US", reserved.region());
    assertEquals("txn-1", repository.reservedTxns.get(0));
    // Stored to the millisecond, so the reply equals what is read back later.
    assertEquals(Instant.parse("2026-01-15T10:00:00.123Z"), reserved.createdAt());
  }

  @Test
  void everyBadReserveFieldIsReportedAtOnceAndNothingIsWritten() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> await(subscriptions.reserve("", "has space", "ZZ", null)));

    assertEquals(List.of("txn_id", "client_id", "region", "device"),
        e.violations().stream().map(FieldViolation::field).toList());
    assertTrue(e.getMessage().contains("region: unknown code ZZ"), e.getMessage());
    assertTrue(repository.reservedTxns.isEmpty());
  }

  @Test
  void aQuoteNeedsARealRegionAndADevice() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> subscriptions.quote("", null));

    assertEquals(List.of("region", "device"),
        e.violations().stream().map(FieldViolation::field).toList());
  }

  @Test
  void subscribingToAPlanOfferedToTheClientMovesIt() {
    repository.active = Optional.of(active("client-1", SeededPlans.US_IOS, "US", Device.IOS));

    Subscription moved = subscriptions.subscribe("client-1", "global");

    assertEquals(SeededPlans.GLOBAL, moved.plan());
    assertEquals(List.of("global"), repository.planChanges);
  }

  @Test
  void subscribingToTheCurrentPlanChangesNothing() {
    Subscription current = active("client-1", SeededPlans.US_IOS, "US", Device.IOS);
    repository.active = Optional.of(current);

    assertSame(current, subscriptions.subscribe("client-1", "us-ios"));
    assertTrue(repository.planChanges.isEmpty());
  }

  @Test
  void aPlanForAnotherRegionIsNotEligible() {
    repository.active = Optional.of(active("client-1", SeededPlans.GLOBAL, "GB", Device.IOS));

    PlanNotEligibleException e = assertThrows(PlanNotEligibleException.class,
        () -> subscriptions.subscribe("client-1", "us-ios"));

    assertEquals("plan us-ios is for US on IOS; client client-1 is in GB on IOS, where the "
        + "plans offered are: global", e.getMessage());
    assertTrue(repository.planChanges.isEmpty());
  }

  @Test
  void aPlanForAnotherDeviceIsNotEligible() {
    repository.active = Optional.of(active("client-1", SeededPlans.GLOBAL, "US", Device.WEB));

    assertThrows(PlanNotEligibleException.class,
        () -> subscriptions.subscribe("client-1", "us-android"));
  }

  @Test
  void anUnknownPlanOrClientIsNotFound() {
    assertThrows(NotFoundException.class, () -> subscriptions.subscribe("client-1", "global"));
    repository.active = Optional.of(active("client-1", SeededPlans.GLOBAL, "US", Device.WEB));
    NotFoundException e = assertThrows(NotFoundException.class,
        () -> subscriptions.subscribe("client-1", "gold"));
    assertTrue(e.getMessage().contains("gold"), e.getMessage());
  }

  private static Subscription active(String clientId, Plan plan, String region, Device device) {
    return new Subscription("sub-1", clientId, plan, Subscription.Status.ACTIVE, region, device,
        NOW, NOW);
  }

  private static final class RecordingRepository implements SubscriptionRepository {
    final List<String> reservedTxns = new ArrayList<>();
    final List<String> planChanges = new ArrayList<>();
    Optional<Subscription> active = Optional.empty();

    @Override
    public List<Plan> loadPlans() {
      return SeededPlans.ALL;
    }

    @Override
    public CompletableFuture<Subscription> reserve(String txnId, Subscription pending) {
      reservedTxns.add(txnId);
      return CompletableFuture.completedFuture(pending);
    }

    @Override
    public CompletableFuture<Subscription> confirm(String txnId, Instant now) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<List<TxnResult<Subscription>>> confirmAll(List<String> txnIds,
        Instant now) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> cancel(String txnId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Subscription> findActive(String clientId) {
      return active.filter(subscription -> subscription.clientId().equals(clientId));
    }

    @Override
    public Optional<Subscription> changePlan(String clientId, Plan plan, Instant now) {
      planChanges.add(plan.planId());
      return active.map(subscription -> subscription.withPlan(plan, now));
    }

    @Override
    public List<String> claimReservedBefore(Instant cutoff, Instant claimUntil, int limit) {
      return List.of();
    }
  }
}
