package signup.cli;

import com.nimbusds.jwt.SignedJWT;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.text.ParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import signup.subscription.v1.Plan;
import signup.subscription.v1.SubscribeRequest;
import signup.subscription.v1.Subscription;
import signup.subscription.v1.SubscriptionServiceGrpc;

@Command(name = "subscribe", mixinStandardHelpOptions = true,
    description = "Move a client to another plan it is eligible for, with its access token "
        + "('signup login') or, for an operator, the internal token.")
final class SubscribeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RemoteOptions remote;
  @Mixin CallerOptions caller;

  @Option(names = "--target", defaultValue = "${env:SUBSCRIPTION_TARGET:-localhost:50053}",
      description = "subscription-server address (env SUBSCRIPTION_TARGET). "
          + "Default: ${DEFAULT-VALUE}.")
  String target;

  @Option(names = "--plan", required = true, description = "us-ios, us-android or global.")
  String plan;

  @Option(names = "--client-id",
      description = "The client to move. Default: the one the access token is for.")
  String clientId;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    CallCredentials credentials;
    try {
      credentials = caller.credentials();
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return ExitCodes.BAD_INPUT;
    }
    if (credentials == null) {
      err.println("error: not logged in: set SIGNUP_ACCESS_TOKEN (or --token) to the token "
          + "of 'signup login'");
      return ExitCodes.NOT_ALLOWED;
    }
    String client = clientId != null ? clientId : subjectOf(caller.accessToken);
    if (client == null) {
      err.println("error: give --client-id (an operator's call names the client)");
      return ExitCodes.BAD_INPUT;
    }
    ManagedChannel channel = remote.channel(target);
    try {
      Subscription subscription = SubscriptionServiceGrpc.newBlockingStub(channel)
          .withCallCredentials(credentials)
          .withDeadlineAfter(remote.timeoutMillis(), remote.unit())
          .subscribe(SubscribeRequest.newBuilder().setClientId(client).setPlanId(plan)
              .build());
      if (remote.json) {
        remote.printJson(out, subscription);
      } else {
        Plan now = subscription.getPlan();
        out.printf("Client %s is on plan %s (%s), %s%n", subscription.getClientId(),
            now.getPlanId(), now.getName(), Prices.format(now.getPrice()));
      }
      return ExitCodes.OK;
    } catch (StatusRuntimeException e) {
      return remote.reportFailure(err, e);
    } finally {
      channel.shutdownNow();
    }
  }

  /**
   * The client an access token names, read without checking it (the server checks it): only
   * to spare the user typing their own client id.
   */
  private static String subjectOf(String accessToken) {
    if (accessToken == null || accessToken.isBlank()) {
      return null;
    }
    try {
      return SignedJWT.parse(accessToken.strip()).getJWTClaimsSet().getSubject();
    } catch (ParseException e) {
      return null;
    }
  }
}
