package signup.subscription.domain;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.domain.Completions;
import signup.common.domain.ConfirmBatches;
import signup.common.domain.Device;
import signup.common.domain.NotFoundException;
import signup.common.domain.ReservationLedger;
import signup.common.domain.SignupFields;
import signup.common.domain.TimeOrderedIds;
import signup.common.domain.TxnResult;
import signup.common.domain.Violations;
import signup.common.fault.CrashPoint;
import signup.common.fault.CrashPoints;

/**
 * The subscription rules: which plan a sign-up gets, the participant's side of try-confirm-cancel,
 * and moving a client between the plans it is eligible for. Every input is checked here, and
 * every bad field is reported at once before anything is written.
 */
public final class Subscriptions {
  private static final Logger log = LoggerFactory.getLogger(Subscriptions.class);

  private final SubscriptionRepository repository;
  private final PlanCatalogue catalogue;
  private final InstantSource clock;
  private final CrashPoints crashPoints;
  private final TimeOrderedIds ids;

  public Subscriptions(SubscriptionRepository repository, PlanCatalogue catalogue,
      InstantSource clock) {
    this(repository, catalogue, clock, CrashPoints.none());
  }

  /** With fault injection, for the crash tests: see {@link CrashPoint}. */
  public Subscriptions(SubscriptionRepository repository, PlanCatalogue catalogue,
      InstantSource clock, CrashPoints crashPoints) {
    this.repository = repository;
    this.catalogue = catalogue;
    this.clock = clock;
    this.crashPoints = crashPoints;
    this.ids = new TimeOrderedIds(clock);
  }

  /** Every plan, most specific first. */
  public List<Plan> listPlans() {
    return catalogue.plans();
  }

  /** The plan a sign-up from (region, device) would get. */
  public Plan quote(String region, Device device) {
    Violations v = new Violations();
    String normalisedRegion = checkRegionAndDevice(v, region, device);
    v.throwIfAny();
    return catalogue.choose(normalisedRegion, device);
  }

  /**
   * Chooses the plan for (region, device) and writes the client's subscription as pending; the
   * future completes once that is durable. Bad input is thrown at once, every field named.
   */
  public CompletableFuture<Subscription> reserve(String txnId, String clientId, String region,
      Device device) {
    Violations v = new Violations();
    SignupFields.checkId(v, "txn_id", txnId);
    SignupFields.checkId(v, "client_id", clientId);
    String normalisedRegion = checkRegionAndDevice(v, region, device);
    v.throwIfAny();
    Instant now = now();
    Plan plan = catalogue.choose(normalisedRegion, device);
    Subscription pending = new Subscription(ids.next(), clientId, plan,
        Subscription.Status.PENDING, normalisedRegion, device, now, now);
    return repository.reserve(txnId, pending).thenApply(reserved -> {
      crashPoints.reach(CrashPoint.SUBSCRIPTION_AFTER_RESERVE_WRITE);
      // DEBUG, as in client-server: at INFO, two lines per sign-up cost CPU (BENCHMARKS.md).
      log.debug("txn_id={} subscription {} reserved for client {} on plan {}", txnId,
          reserved.subscriptionId(), reserved.clientId(), reserved.plan().planId());
      return reserved;
    });
  }

  public CompletableFuture<Subscription> confirm(String txnId) {
    checkTxnId(txnId);
    return repository.confirm(txnId, now()).thenApply(confirmed -> {
      crashPoints.reach(CrashPoint.SUBSCRIPTION_AFTER_CONFIRM_WRITE);
      log.debug("txn_id={} subscription {} confirmed", txnId, confirmed.subscriptionId());
      return confirmed;
    });
  }

  /**
   * {@link #confirm} of each txn, in one write: one result per txn, in their order, each as its
   * confirm alone would answer (a bad txn_id, a cancelled or unknown txn fails that txn only).
   *
   * @throws signup.common.domain.InvalidInputException when the batch is empty or too large
   */
  public CompletableFuture<List<TxnResult<Subscription>>> confirmAll(List<String> txnIds) {
    return ConfirmBatches.confirm(txnIds, good -> repository.confirmAll(good, now()),
        (txnId, confirmed) -> {
          crashPoints.reach(CrashPoint.SUBSCRIPTION_AFTER_CONFIRM_WRITE);
          log.debug("txn_id={} subscription {} confirmed", txnId, confirmed.subscriptionId());
        });
  }

  public CompletableFuture<Void> cancel(String txnId) {
    checkTxnId(txnId);
    return repository.cancel(txnId)
        .thenRun(() -> log.info("txn_id={} subscription reservation cancelled", txnId));
  }

  /** The client's confirmed subscription. */
  public Subscription getSubscription(String clientId) {
    Violations v = new Violations();
    SignupFields.checkId(v, "client_id", clientId);
    v.throwIfAny();
    return repository.findActive(clientId).orElseThrow(() -> noSubscription(clientId));
  }

  /**
   * Moves a client with a confirmed subscription to another plan offered for its region and
   * device. Subscribing to the current plan changes nothing.
   *
   * @throws NotFoundException for an unknown plan, or a client without a confirmed subscription
   * @throws PlanNotEligibleException when the plan is not offered to the client
   */
  public Subscription subscribe(String clientId, String planId) {
    Violations v = new Violations();
    SignupFields.checkId(v, "client_id", clientId);
    SignupFields.checkId(v, "plan_id", planId);
    v.throwIfAny();
    Plan plan = catalogue.find(planId)
        .orElseThrow(() -> NotFoundException.of("plan", "plan_id", planId));
    Subscription current = repository.findActive(clientId)
        .orElseThrow(() -> noSubscription(clientId));
    if (!plan.isOfferedTo(current.region(), current.device())) {
      throw new PlanNotEligibleException(plan, clientId, current.region(), current.device(),
          catalogue.offeredTo(current.region(), current.device()));
    }
    if (current.plan().planId().equals(plan.planId())) {
      return current;
    }
    // The client's region and device never change, so the eligibility just checked still holds.
    Subscription moved = repository.changePlan(clientId, plan, now())
        .orElseThrow(() -> noSubscription(clientId));
    log.info("client {} moved from plan {} to plan {}", clientId, current.plan().planId(),
        plan.planId());
    return moved;
  }

  /** The reservations as the sweeper sees them; the sweeper decides through the same rules. */
  public ReservationLedger ledger() {
    return new ReservationLedger() {
      @Override
      public List<String> claimReservedBefore(Instant cutoff, Instant claimUntil, int limit) {
        return repository.claimReservedBefore(cutoff, claimUntil, limit);
      }

      @Override
      public void confirm(String txnId) {
        Completions.await(Subscriptions.this.confirm(txnId));
      }

      @Override
      public void cancel(String txnId) {
        Completions.await(Subscriptions.this.cancel(txnId));
      }
    };
  }

  private static String checkRegionAndDevice(Violations v, String region, Device device) {
    String normalised = SignupFields.normaliseRegion(region);
    SignupFields.checkRegion(v, "region", normalised);
    SignupFields.checkDevice(v, "device", device);
    return normalised;
  }

  private static void checkTxnId(String txnId) {
    Violations v = new Violations();
    SignupFields.checkId(v, "txn_id", txnId);
    v.throwIfAny();
  }

  private static NotFoundException noSubscription(String clientId) {
    return NotFoundException.of("subscription", "client_id", clientId);
  }

  /** Stored to the millisecond, so what a caller is answered equals what is read back later. */
  private Instant now() {
    return Instant.ofEpochMilli(clock.millis());
  }
}
