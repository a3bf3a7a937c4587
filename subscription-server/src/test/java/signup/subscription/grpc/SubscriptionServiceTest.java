package signup.subscription.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static signup.subscription.grpc.GrpcAssertions.assertStatus;

import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import signup.common.v1.DeviceType;
import signup.common.v1.Money;
import signup.subscription.InProcessSubscriptionServer;
import signup.subscription.v1.GetSubscriptionRequest;
import signup.subscription.v1.ListPlansRequest;
import signup.subscription.v1.Plan;
import signup.subscription.v1.QuotePlanRequest;
import signup.subscription.v1.SubscribeRequest;
import signup.subscription.v1.Subscription;

/** The public SubscriptionService through real stubs. */
class SubscriptionServiceTest {
  @TempDir
  Path dir;

  private InProcessSubscriptionServer server;

  @BeforeEach
  void start() {
    server = new InProcessSubscriptionServer(dir.resolve("subscription.db"));
  }

  @AfterEach
  void stop() throws InterruptedException {
    server.close();
  }

  @Test
  void listPlansReturnsTheThreeSeededPlansMostSpecificFirstWithPrices() {
    List<Plan> plans = server.service.listPlans(ListPlansRequest.getDefaultInstance())
        .getPlansList();

    assertEquals(List.of(
        plan("us-ios", "US iOS", "US", DeviceType.IOS, 999),
        plan("us-android", "US Android", "US", DeviceType.ANDROID, 799),
        plan("global", "Global", "", DeviceType.DEVICE_TYPE_UNSPECIFIED, 499)), plans);
  }

  @ParameterizedTest(name = "{0} + {1} is quoted {2}")
  @CsvSource({
      "US,   IOS,     us-ios,     999",
      "us,   IOS,     us-ios,     999",
      "' Us ', ANDROID, us-android, 799",
      "US,   WEB,     global,     499",
      "gb,   IOS,     global,     499"})
  void quotePlanGivesThePlanASignupWouldGet(String region, DeviceType device, String planId,
      long price) {
    Plan plan = server.service.quotePlan(
        QuotePlanRequest.newBuilder().setRegion(region).setDevice(device).build()).getPlan();

    assertEquals(planId, plan.getPlanId());
    assertEquals(Money.newBuilder().setAmountMinor(price).setCurrency("USD").build(),
        plan.getPrice());
  }

  @Test
  void getSubscriptionReturnsTheConfirmedSubscription() {
    Subscription signedUp = server.signedUp("client-1", "US", DeviceType.ANDROID);

    assertEquals(signedUp, get("client-1"));
    assertEquals("us-android", signedUp.getPlan().getPlanId());
  }

  @Test
  void withoutATokenTheCatalogueIsOpenButNoClientsSubscriptionIsReadOrChanged() {
    Subscription before = server.signedUp("client-1", "US", DeviceType.IOS);

    assertEquals(3, server.anonymous.listPlans(ListPlansRequest.getDefaultInstance())
        .getPlansCount());
    assertStatus(Status.Code.UNAUTHENTICATED, () -> server.anonymous.getSubscription(
        GetSubscriptionRequest.newBuilder().setClientId("client-1").build()));
    assertStatus(Status.Code.UNAUTHENTICATED, () -> server.anonymous.subscribe(
        SubscribeRequest.newBuilder().setClientId("client-1").setPlanId("global").build()));
    assertEquals(before, get("client-1"));
  }

  @Test
  void getSubscriptionOfAnUnknownClientIsNotFound() {
    assertStatus(Status.Code.NOT_FOUND, () -> get("client-nobody"));
  }

  @Test
  void subscribeMovesTheClientToAnotherEligiblePlan() {
    Subscription before = server.signedUp("client-1", "US", DeviceType.IOS);
    server.clock.advance(Duration.ofMinutes(5));

    Subscription moved = subscribe("client-1", "global");

    assertEquals("global", moved.getPlan().getPlanId());
    assertEquals(499, moved.getPlan().getPrice().getAmountMinor());
    assertEquals(before.getSubscriptionId(), moved.getSubscriptionId());
    assertEquals(before.getCreatedAt(), moved.getCreatedAt());
    assertEquals(before.getUpdatedAt().getSeconds() + 300, moved.getUpdatedAt().getSeconds());
    assertEquals(moved, get("client-1"));

    assertEquals("us-ios", subscribe("client-1", "us-ios").getPlan().getPlanId());
  }

  @Test
  void subscribingToTheCurrentPlanChangesNothing() {
    Subscription before = server.signedUp("client-1", "US", DeviceType.IOS);
    server.clock.advance(Duration.ofMinutes(5));

    assertEquals(before, subscribe("client-1", "us-ios"));
  }

  @Test
  void subscribingAnUnknownClientIsNotFound() {
    assertStatus(Status.Code.NOT_FOUND, () -> subscribe("client-nobody", "global"));
  }

  @Test
  void subscribingAClientWhoseSignupIsPendingIsNotFound() {
    server.reserve("txn-1", "client-1", "US", DeviceType.IOS);

    assertStatus(Status.Code.NOT_FOUND, () -> subscribe("client-1", "global"));
  }

  @Test
  void subscribingToAnUnknownPlanIsNotFound() {
    server.signedUp("client-1", "US", DeviceType.IOS);

    var e = assertStatus(Status.Code.NOT_FOUND, () -> subscribe("client-1", "gold"));

    assertTrue(e.getStatus().getDescription().contains("gold"), e.getMessage());
  }

  @Test
  void aGbClientCannotSubscribeToTheUsIosPlan() {
    server.signedUp("client-gb", "GB", DeviceType.IOS);

    var e = assertStatus(Status.Code.FAILED_PRECONDITION,
        () -> subscribe("client-gb", "us-ios"));

    String message = e.getStatus().getDescription();
    assertTrue(message.contains("us-ios") && message.contains("GB")
        && message.contains("global"), message);
    assertEquals("global", get("client-gb").getPlan().getPlanId());
  }

  @Test
  void aUsWebClientCannotSubscribeToTheUsAndroidPlan() {
    server.signedUp("client-web", "US", DeviceType.WEB);

    assertStatus(Status.Code.FAILED_PRECONDITION, () -> subscribe("client-web", "us-android"));
  }

  private Subscription get(String clientId) {
    return server.service.getSubscription(
        GetSubscriptionRequest.newBuilder().setClientId(clientId).build());
  }

  private Subscription subscribe(String clientId, String planId) {
    return server.service.subscribe(
        SubscribeRequest.newBuilder().setClientId(clientId).setPlanId(planId).build());
  }

  private static Plan plan(String id, String name, String region, DeviceType device,
      long price) {
    return Plan.newBuilder()
        .setPlanId(id)
        .setName(name)
        .setRegion(region)
        .setDevice(device)
        .setPrice(Money.newBuilder().setAmountMinor(price).setCurrency("USD"))
        .build();
  }
}
