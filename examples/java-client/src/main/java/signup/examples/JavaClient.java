package signup.examples;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import signup.client.v1.ClientServiceGrpc;
import signup.client.v1.LoginRequest;
import signup.client.v1.LoginResponse;
import signup.common.v1.DeviceType;
import signup.orchestrator.v1.SignupRequest;
import signup.orchestrator.v1.SignupResponse;
import signup.orchestrator.v1.SignupServiceGrpc;
import signup.subscription.v1.SubscribeRequest;
import signup.subscription.v1.Subscription;
import signup.subscription.v1.SubscriptionServiceGrpc;

/**
 * A client of signup-system using nothing but the generated stubs: it signs up (with a deadline
 * and a request_id, so that a retry is safe), logs in, moves itself to another plan with its
 * access token, and reads the field violations of a refused request. Exits 0 when every step
 * went as the API documents, 1 otherwise.
 *
 * <pre>java -jar java-client.jar [orchestrator client-server subscription-server]</pre>
 * (default localhost:50051 localhost:50052 localhost:50053, plaintext)
 */
public final class JavaClient {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private JavaClient() {}

  public static void main(String[] args) throws InterruptedException {
    String orchestrator = args.length > 0 ? args[0] : "localhost:50051";
    String clientServer = args.length > 1 ? args[1] : "localhost:50052";
    String subscriptionServer = args.length > 2 ? args[2] : "localhost:50053";
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      ManagedChannel signups = channel(orchestrator, channels);
      ManagedChannel clients = channel(clientServer, channels);
      ManagedChannel subscriptions = channel(subscriptionServer, channels);
      System.exit(run(signups, clients, subscriptions) ? 0 : 1);
    } finally {
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static boolean run(ManagedChannel signups, ManagedChannel clients,
      ManagedChannel subscriptions) {
    String email = "example-" + UUID.randomUUID() + "@example.com";
    String password = "an-example-password-" + UUID.randomUUID();

    // 1. Sign up. Every call gets a deadline; the request_id makes a retry return the first
    //    outcome instead of signing up twice (or failing with ALREADY_EXISTS).
    SignupRequest request = SignupRequest.newBuilder()
        .setRequestId(UUID.randomUUID().toString())
        .setEmail(email)
        .setName("Example Client")
        .setPassword(password)
        .setRegion("US")
        .setDevice(DeviceType.IOS)
        .build();
    SignupResponse signedUp = SignupServiceGrpc.newBlockingStub(signups)
        .withDeadlineAfter(15, TimeUnit.SECONDS)
        .signup(request);
    SignupResponse retried = SignupServiceGrpc.newBlockingStub(signups)
        .withDeadlineAfter(15, TimeUnit.SECONDS)
        .signup(request);
    String clientId = signedUp.getClient().getClientId();
    System.out.printf("signed up %s as client %s on plan %s%n", email, clientId,
        signedUp.getSubscription().getPlan().getPlanId());
    boolean ok = check("a retry with the same request_id returns the same sign-up",
        retried.getSignupId().equals(signedUp.getSignupId()));

    // 2. Log in: an access token, sent as "authorization: Bearer <token>" from now on.
    LoginResponse login = ClientServiceGrpc.newBlockingStub(clients)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .login(LoginRequest.newBuilder().setEmail(email).setPassword(password).build());
    ok &= check("the token is for the new client", login.getClientId().equals(clientId));
    Metadata bearer = new Metadata();
    bearer.put(AUTHORIZATION, "Bearer " + login.getAccessToken());

    // 3. Move to another plan with the token. Without it, the same call is refused.
    SubscribeRequest toGlobal = SubscribeRequest.newBuilder()
        .setClientId(clientId).setPlanId("global").build();
    Status.Code anonymous = codeOf(() -> SubscriptionServiceGrpc.newBlockingStub(subscriptions)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .subscribe(toGlobal));
    ok &= check("Subscribe without a token is UNAUTHENTICATED",
        anonymous == Status.Code.UNAUTHENTICATED);
    Subscription moved = SubscriptionServiceGrpc.newBlockingStub(subscriptions)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer))
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .subscribe(toGlobal);
    System.out.printf("moved to plan %s at %d %s (minor units)%n", moved.getPlan().getPlanId(),
        moved.getPlan().getPrice().getAmountMinor(), moved.getPlan().getPrice().getCurrency());
    ok &= check("Subscribe with the token moved the client to global",
        moved.getPlan().getPlanId().equals("global"));

    // 4. A refused request: INVALID_ARGUMENT, whose details hold a google.rpc.BadRequest
    //    naming every bad field.
    try {
      SignupServiceGrpc.newBlockingStub(signups)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .signup(SignupRequest.newBuilder().setEmail("not-an-address").setName("")
              .setPassword("short").setRegion("ZZ").build());
      return check("a bad sign-up is refused", false);
    } catch (StatusRuntimeException e) {
      List<String> fields = new ArrayList<>();
      com.google.rpc.Status status = StatusProto.fromThrowable(e);
      for (var detail : status == null ? List.<com.google.protobuf.Any>of()
          : status.getDetailsList()) {
        if (detail.is(BadRequest.class)) {
          try {
            for (var violation : detail.unpack(BadRequest.class).getFieldViolationsList()) {
              System.out.printf("refused: %s: %s%n", violation.getField(),
                  violation.getDescription());
              fields.add(violation.getField());
            }
          } catch (InvalidProtocolBufferException unreadable) {
            System.out.println("refused, with details that do not parse");
          }
        }
      }
      ok &= check("a bad sign-up is INVALID_ARGUMENT",
          e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT);
      ok &= check("its BadRequest names every bad field",
          fields.containsAll(List.of("email", "name", "password", "region", "device")));
    }
    return ok;
  }

  private static ManagedChannel channel(String target, List<ManagedChannel> channels) {
    ManagedChannel channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
        .build();
    channels.add(channel);
    return channel;
  }

  private static Status.Code codeOf(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static boolean check(String what, boolean held) {
    System.out.println((held ? "ok   - " : "FAIL - ") + what);
    return held;
  }
}
