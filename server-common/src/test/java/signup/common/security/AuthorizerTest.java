package signup.common.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import signup.common.MutableClock;
import signup.common.grpc.GrpcServerHost;
import signup.common.grpc.StandardErrors;
import signup.subscription.v1.GetSubscriptionRequest;
import signup.subscription.v1.Subscription;
import signup.subscription.v1.SubscriptionServiceGrpc;

/**
 * The Authorizer on a real server (in-process), in front of a service that counts what reaches
 * it: a refused call never does.
 */
class AuthorizerTest {
  private static final InternalToken INTERNAL = InternalToken.of("internal-token-0123456789abcdefghijklmnop");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final ECKey key = AccessTokenVerifierTest.newKey("key-1");
  private final AccessTokenIssuer issuer = new AccessTokenIssuer(clock, Duration.ofMinutes(15));
  private final AtomicInteger served = new AtomicInteger();
  private boolean keysReachable = true;
  private GrpcServerHost host;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (host != null) {
      host.close();
    }
  }

  private SubscriptionServiceGrpc.SubscriptionServiceBlockingStub start() {
    PublicKeys keys = kid -> {
      if (!keysReachable) {
        throw new KeysUnavailableException("client-server unreachable", null);
      }
      return Optional.ofNullable(kid.equals("key-1") ? key.toPublicJWK() : null);
    };
    String name = InProcessServerBuilder.generateName();
    host = new GrpcServerHost("authorizer-test", InProcessServerBuilder.forName(name),
        List.of(new SubscriptionServiceGrpc.SubscriptionServiceImplBase() {
          @Override
          public void getSubscription(GetSubscriptionRequest request,
              StreamObserver<Subscription> response) {
            served.incrementAndGet();
            response.onNext(Subscription.newBuilder().setClientId(request.getClientId())
                .build());
            response.onCompleted();
          }
        }),
        StandardErrors::toStatus,
        List.of(new Authorizer(AccessPolicy.standard(), INTERNAL,
            new AccessTokenVerifier(keys, clock))),
        List.of(), Duration.ofSeconds(5)).start();
    channel = InProcessChannelBuilder.forName(name).build();
    return SubscriptionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10,
        TimeUnit.SECONDS);
  }

  private static SubscriptionServiceGrpc.SubscriptionServiceBlockingStub with(
      SubscriptionServiceGrpc.SubscriptionServiceBlockingStub stub, String authorization) {
    Metadata headers = new Metadata();
    headers.put(Authorizer.AUTHORIZATION, authorization);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static GetSubscriptionRequest of(String clientId) {
    return GetSubscriptionRequest.newBuilder().setClientId(clientId).build();
  }

  private String token(String clientId) {
    return issuer.issue(key, clientId, clientId + "@example.com").value();
  }

  @Test
  void theClientsOwnTokenAndTheInternalTokenAreServed() {
    var stub = start();

    assertEquals("c-1", with(stub, "Bearer " + token("c-1")).getSubscription(of("c-1"))
        .getClientId());
    assertEquals("c-2", with(stub, "Bearer " + INTERNAL.value()).getSubscription(of("c-2"))
        .getClientId());
    assertEquals("c-1", with(stub, "bearer " + token("c-1")).getSubscription(of("c-1"))
        .getClientId(), "the scheme is case-insensitive (RFC 7235)");
    assertEquals(3, served.get());
  }

  @Test
  void anotherClientsTokenIsPermissionDeniedAndNeverReachesTheService() {
    var stub = start();

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> with(stub, "Bearer " + token("c-1")).getSubscription(of("c-2")));

    assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
    assertEquals(0, served.get());
  }

  @Test
  void noTokenOrAnotherSchemeIsUnauthenticatedAndSaysHowToLogIn() {
    var stub = start();

    for (var caller : List.of(stub, with(stub, "Basic YWRhOnB3"), with(stub, "Bearer "))) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> caller.getSubscription(of("c-1")));
      assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains("Login"),
          e.getStatus().getDescription());
    }
    assertEquals(0, served.get());
  }

  @Test
  void anExpiredTokenIsUnauthenticatedWithoutEchoingIt() {
    var stub = start();
    String token = token("c-1");
    clock.advance(Duration.ofMinutes(17));

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> with(stub, "Bearer " + token).getSubscription(of("c-1")));

    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("Expired"),
        e.getStatus().getDescription());
    assertFalse(e.getStatus().getDescription().contains(token.substring(token.lastIndexOf('.'))));
    assertEquals(0, served.get());
  }

  @Test
  void aTokenThatCannotBeCheckedForWantOfKeysIsUnavailable() {
    var stub = start();
    keysReachable = false;

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> with(stub, "Bearer " + token("c-1")).getSubscription(of("c-1")));

    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertEquals(0, served.get());
  }
}
