package signup.orchestrator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.RetryInfo;
import com.nimbusds.jwt.SignedJWT;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import signup.client.security.TokenSettings;
import signup.client.v1.GetClientByEmailRequest;
import signup.client.v1.GetClientRequest;
import signup.common.domain.ParticipantSettings;
import signup.orchestrator.v1.GetSignupRequest;
import signup.orchestrator.v1.SignupResponse;
import signup.orchestrator.v1.SignupState;
import signup.orchestrator.v1.SignupStatus;
import signup.subscription.v1.GetSubscriptionRequest;
import signup.subscription.v1.SubscribeRequest;

/**
 * Who may call what, on the three real servers over TCP: a client acts on its own account only,
 * with the access token it logged in for; anyone else is refused; a trusted backend uses the
 * internal token.
 */
class AccessControlTest {
  private static final String PASSWORD = SignupSystem.PASSWORD;

  @TempDir Path dataDir;
  SignupSystem system;

  @AfterEach
  void stop() {
    system.close();
  }

  private SignupResponse signUp(String email) {
    return system.anonymousSignups().signup(SignupSystem.request(email));
  }

  @Test
  void theAttackOfLookingAClientUpByEmailThenMovingItsPlanIsRefused() {
    system = SignupSystem.startAll(dataDir);
    String victim = signUp("victim@example.com").getClient().getClientId();

    assertCode(Status.Code.UNAUTHENTICATED, () -> system.anonymousClients().getClientByEmail(
        GetClientByEmailRequest.newBuilder().setEmail("victim@example.com").build()));
    assertCode(Status.Code.UNAUTHENTICATED, () -> system.anonymousClients().getClient(
        GetClientRequest.newBuilder().setClientId(victim).build()));
    assertCode(Status.Code.UNAUTHENTICATED, () -> system.anonymousSubscriptions().subscribe(
        SubscribeRequest.newBuilder().setClientId(victim).setPlanId("global").build()));
    assertCode(Status.Code.UNAUTHENTICATED, () -> system.anonymousSubscriptions()
        .getSubscription(GetSubscriptionRequest.newBuilder().setClientId(victim).build()));

    assertEquals("us-ios", system.subscriptions().getSubscription(GetSubscriptionRequest
        .newBuilder().setClientId(victim).build()).getPlan().getPlanId(), "still on us-ios");
  }

  @Test
  void aClientsTokenReadsAndChangesItsOwnAccountButNoOther() {
    system = SignupSystem.startAll(dataDir);
    String ann = signUp("ann@example.com").getClient().getClientId();
    String bob = signUp("bob@example.com").getClient().getClientId();
    String annToken = system.login("ann@example.com", PASSWORD);

    assertEquals(ann, system.clientsWith(annToken).getClient(GetClientRequest.newBuilder()
        .setClientId(ann).build()).getClientId());
    assertEquals(ann, system.clientsWith(annToken).getClientByEmail(GetClientByEmailRequest
        .newBuilder().setEmail("Ann@Example.com").build()).getClientId());
    assertEquals("global", system.subscriptionsWith(annToken).subscribe(SubscribeRequest
        .newBuilder().setClientId(ann).setPlanId("global").build()).getPlan().getPlanId());
    assertEquals("global", system.subscriptionsWith(annToken).getSubscription(
        GetSubscriptionRequest.newBuilder().setClientId(ann).build()).getPlan().getPlanId());

    assertCode(Status.Code.PERMISSION_DENIED, () -> system.clientsWith(annToken).getClient(
        GetClientRequest.newBuilder().setClientId(bob).build()));
    assertCode(Status.Code.PERMISSION_DENIED, () -> system.clientsWith(annToken)
        .getClientByEmail(GetClientByEmailRequest.newBuilder().setEmail("bob@example.com")
            .build()));
    assertCode(Status.Code.PERMISSION_DENIED, () -> system.subscriptionsWith(annToken)
        .getSubscription(GetSubscriptionRequest.newBuilder().setClientId(bob).build()));
    assertCode(Status.Code.PERMISSION_DENIED, () -> system.subscriptionsWith(annToken)
        .subscribe(SubscribeRequest.newBuilder().setClientId(bob).setPlanId("global")
            .build()));
    assertEquals("us-ios", system.subscriptions().getSubscription(GetSubscriptionRequest
        .newBuilder().setClientId(bob).build()).getPlan().getPlanId(), "bob's plan unchanged");
  }

  @Test
  void aTokenThatIsNotValidIsUnauthenticatedEverywhereItIsChecked() {
    system = SignupSystem.startAll(dataDir);
    String ann = signUp("ann@example.com").getClient().getClientId();
    String token = system.login("ann@example.com", PASSWORD);
    String tampered = token.substring(0, token.length() - 4) + "AAAA";

    assertCode(Status.Code.UNAUTHENTICATED, () -> system.clientsWith(tampered).getClient(
        GetClientRequest.newBuilder().setClientId(ann).build()));
    assertCode(Status.Code.UNAUTHENTICATED, () -> system.subscriptionsWith("not.a.jwt")
        .getSubscription(GetSubscriptionRequest.newBuilder().setClientId(ann).build()));
    assertCode(Status.Code.UNAUTHENTICATED, () -> system.signupsWith(tampered).getSignup(
        GetSignupRequest.newBuilder().setSignupId("s-1").build()));
  }

  @Test
  void getSignupTellsAnyoneTheStateAndOnlyItsClientThePerson() {
    system = SignupSystem.startAll(dataDir);
    SignupResponse ann = signUp("ann@example.com");
    signUp("bob@example.com");
    GetSignupRequest request = GetSignupRequest.newBuilder().setSignupId(ann.getSignupId())
        .build();

    SignupStatus anonymous = system.anonymousSignups().getSignup(request);
    SignupStatus stranger = system.signupsWith(system.login("bob@example.com", PASSWORD))
        .getSignup(request);
    SignupStatus own = system.signupsWith(system.login("ann@example.com", PASSWORD))
        .getSignup(request);

    assertEquals(SignupState.DONE, anonymous.getState());
    assertEquals(ann.getClient().getClientId(), anonymous.getClientId());
    assertEquals("", anonymous.getEmail());
    assertEquals("", anonymous.getPlanId());
    assertEquals("", anonymous.getRegion());
    assertEquals(anonymous, stranger);
    assertEquals("ann@example.com", own.getEmail());
    assertEquals("us-ios", own.getPlanId());
    assertEquals(own, system.signups().getSignup(request), "the internal token sees it all");
  }

  @Test
  void theThrottleEngagesSurvivesARestartOfClientServerAndASuccessResetsIt() throws Exception {
    system = SignupSystem.startAll(dataDir);
    signUp("ann@example.com");
    signUp("bob@example.com");
    for (int i = 0; i < 4; i++) {
      assertCode(Status.Code.UNAUTHENTICATED, () -> system.login("bob@example.com", "wrong!!"));
    }
    system.login("bob@example.com", PASSWORD);
    for (int i = 0; i < 4; i++) {
      assertCode(Status.Code.UNAUTHENTICATED, () -> system.login("bob@example.com", "wrong!!"),
          "a success reset bob's count");
    }
    for (int i = 0; i < 5; i++) {
      assertCode(Status.Code.UNAUTHENTICATED, () -> system.login("ann@example.com", "wrong!!"));
    }

    StatusRuntimeException throttled = assertThrows(StatusRuntimeException.class,
        () -> system.login("ann@example.com", PASSWORD));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, throttled.getStatus().getCode());
    assertTrue(StatusProto.fromThrowable(throttled).getDetails(0).unpack(RetryInfo.class)
        .getRetryDelay().getSeconds() > 60);
    system.stopClient();
    system.startClient();

    assertCode(Status.Code.RESOURCE_EXHAUSTED, () -> system.login("ann@example.com", PASSWORD));
  }

  @Test
  void aRotatedKeyKeepsVerifyingTheTokensItSignedOnEveryServer() throws Exception {
    system = new SignupSystem(dataDir, SignupSystem.FAST, ParticipantSettings.DEFAULTS)
        .withClientSettings(config -> config.withTokens(
            new TokenSettings(Duration.ofMinutes(15), Duration.ofSeconds(2))))
        .startClient().startSubscription().startOrchestrator();
    String ann = signUp("ann@example.com").getClient().getClientId();
    String before = system.login("ann@example.com", PASSWORD);
    // The subscription server learns the first key now, and holds it.
    assertEquals(ann, readSubscription(before, ann));

    AtomicReference<String> after = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
      after.set(system.login("ann@example.com", PASSWORD));
      return !kid(after.get()).equals(kid(before));
    });

    assertNotEquals(kid(before), kid(after.get()));
    assertEquals(ann, readSubscription(after.get(), ann), "a new key is fetched when first seen");
    assertEquals(ann, readSubscription(before, ann), "the old key still verifies");
    assertEquals(ann, system.clientsWith(before).getClient(GetClientRequest.newBuilder()
        .setClientId(ann).build()).getClientId());
    system.stopClient();
    system.startClient();
    assertEquals(ann, system.clientsWith(before).getClient(GetClientRequest.newBuilder()
        .setClientId(ann).build()).getClientId(), "the keys are kept in client.db");
  }

  @Test
  void whileClientServerIsDownFetchedKeysKeepVerifyingAndWithoutKeysTheCallIsUnavailable() {
    system = SignupSystem.startAll(dataDir);
    SignupResponse ann = signUp("ann@example.com");
    String clientId = ann.getClient().getClientId();
    String token = system.login("ann@example.com", PASSWORD);
    assertEquals(clientId, readSubscription(token, clientId)); // the subscription server fetches
    GetSignupRequest signup = GetSignupRequest.newBuilder().setSignupId(ann.getSignupId())
        .build();

    system.stopClient();

    assertEquals(clientId, readSubscription(token, clientId), "its keys are held");
    assertCode(Status.Code.UNAVAILABLE, () -> system.signupsWith(token).getSignup(signup),
        "the orchestrator never fetched the keys: it cannot tell");
    assertEquals("", system.anonymousSignups().getSignup(signup).getEmail(),
        "a call without a token needs no keys");
    system.startClient();
    assertEquals("ann@example.com", system.signupsWith(token).getSignup(signup).getEmail());
  }

  private String readSubscription(String token, String clientId) {
    return system.subscriptionsWith(token).getSubscription(GetSubscriptionRequest.newBuilder()
        .setClientId(clientId).build()).getClientId();
  }

  private static String kid(String token) throws Exception {
    return SignedJWT.parse(token).getHeader().getKeyID();
  }

  private static void assertCode(Status.Code code, Executable call) {
    assertCode(code, call, "");
  }

  private static void assertCode(Status.Code code, Executable call, String why) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call, why);
    assertEquals(code, e.getStatus().getCode(), () -> why + " " + e.getStatus());
  }
}
