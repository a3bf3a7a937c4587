package signup.common.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.util.List;
import org.junit.jupiter.api.Test;
import signup.client.v1.ClientParticipantGrpc;
import signup.client.v1.ClientServiceGrpc;
import signup.common.v1.DeviceType;
import signup.common.v1.Money;
import signup.orchestrator.v1.SignupServiceGrpc;
import signup.orchestrator.v1.SignupState;
import signup.orchestrator.v1.SignupStatus;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;
import signup.subscription.v1.SubscriptionParticipantGrpc;
import signup.subscription.v1.SubscriptionServiceGrpc;

/** The table covers every RPC there is, and says what DESIGN.md's "Who may call what" says. */
class AccessPolicyTest {
  private static final List<ServiceDescriptor> SERVICES = List.of(
      SignupServiceGrpc.getServiceDescriptor(), TransactionCoordinatorGrpc.getServiceDescriptor(),
      ClientServiceGrpc.getServiceDescriptor(), ClientParticipantGrpc.getServiceDescriptor(),
      SubscriptionServiceGrpc.getServiceDescriptor(),
      SubscriptionParticipantGrpc.getServiceDescriptor());

  private final AccessPolicy policy = AccessPolicy.standard();

  @Test
  void everyMethodOfEveryServiceHasARule() {
    for (ServiceDescriptor service : SERVICES) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        assertTrue(policy.rule(method.getFullMethodName()).isPresent(),
            "no rule for " + method.getFullMethodName());
      }
    }
  }

  @Test
  void theMethodsThatTouchOneClientsDataNeedThatClientsToken() {
    assertInstanceOf(AccessPolicy.OwnClient.class, rule(ClientServiceGrpc.getGetClientMethod()));
    assertInstanceOf(AccessPolicy.OwnEmail.class,
        rule(ClientServiceGrpc.getGetClientByEmailMethod()));
    assertInstanceOf(AccessPolicy.OwnClient.class,
        rule(SubscriptionServiceGrpc.getGetSubscriptionMethod()));
    assertInstanceOf(AccessPolicy.OwnClient.class,
        rule(SubscriptionServiceGrpc.getSubscribeMethod()));
    assertInstanceOf(AccessPolicy.OwnReplyInFull.class,
        rule(SignupServiceGrpc.getGetSignupMethod()));
  }

  @Test
  void signUpLogInAndTheCatalogueAreOpen() {
    for (MethodDescriptor<?, ?> method : List.of(SignupServiceGrpc.getSignupMethod(),
        ClientServiceGrpc.getLoginMethod(), ClientServiceGrpc.getGetPublicKeysMethod(),
        SubscriptionServiceGrpc.getListPlansMethod(),
        SubscriptionServiceGrpc.getQuotePlanMethod())) {
      assertInstanceOf(AccessPolicy.Open.class, rule(method), method.getFullMethodName());
    }
  }

  @Test
  void theParticipantsAndTheCoordinatorAreInternal() {
    for (ServiceDescriptor service : List.of(TransactionCoordinatorGrpc.getServiceDescriptor(),
        ClientParticipantGrpc.getServiceDescriptor(),
        SubscriptionParticipantGrpc.getServiceDescriptor())) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        assertInstanceOf(AccessPolicy.Internal.class, rule(method));
      }
    }
  }

  @Test
  void aStrangersViewOfASignupHasTheStateAndIdsButNothingAboutThePerson() {
    SignupStatus full = SignupStatus.newBuilder().setSignupId("s-1").setRequestId("r-1")
        .setState(SignupState.ABORTED).setClientId("c-1").setEmail("ada@example.com")
        .setRegion("US").setDevice(DeviceType.IOS).setPlanId("us-ios")
        .setPrice(Money.newBuilder().setAmountMinor(999).setCurrency("USD"))
        .setFailureCode("ALREADY_EXISTS").setFailureMessage("email: already registered")
        .build();

    SignupStatus seen = AccessPolicy.stateAndIdsOnly(full);

    assertEquals(SignupStatus.newBuilder().setSignupId("s-1").setRequestId("r-1")
        .setState(SignupState.ABORTED).setClientId("c-1").setFailureCode("ALREADY_EXISTS")
        .setCreatedAt(full.getCreatedAt()).setUpdatedAt(full.getUpdatedAt()).build(), seen);
  }

  private AccessPolicy.Rule rule(MethodDescriptor<?, ?> method) {
    return policy.rule(method.getFullMethodName()).orElseThrow();
  }
}
