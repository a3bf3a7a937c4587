package signup.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import signup.orchestrator.v1.SignupRequest;
import signup.orchestrator.v1.SignupResponse;
import signup.orchestrator.v1.SignupServiceGrpc;
import signup.subscription.v1.Plan;

@Command(name = "signup", mixinStandardHelpOptions = true,
    description = "Sign a client up: creates the client and its subscription together.")
final class SignupCommand implements Callable<Integer> {
  @ParentCommand SignupCli cli;
  @Spec CommandSpec spec;
  @Mixin RemoteOptions remote;

  @Option(names = "--target", defaultValue = "${env:SIGNUP_TARGET:-localhost:50051}",
      description = "Orchestrator address: host:port, or its replicas as host:port,host:port or "
          + "dns:///name:port (env SIGNUP_TARGET). Default: ${DEFAULT-VALUE}.")
  String target;

  @Option(names = "--email", required = true) String email;
  @Option(names = "--name", required = true) String name;
  @Option(names = "--region", required = true, description = "ISO 3166-1 alpha-2, e.g. US.")
  String region;
  @Option(names = "--device", required = true, description = "IOS, ANDROID or WEB.")
  String device;

  @Option(names = "--password-stdin",
      description = "Read the password from the first line of standard input instead of "
          + "prompting for it.")
  boolean passwordStdin;

  @Option(names = "--request-id",
      description = "Idempotency key: retrying with the same key returns the first outcome.")
  String requestId;

  @Override
  public Integer call() throws IOException {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    String password = PasswordInput.read(passwordStdin, cli.stdin());
    if (password == null) {
      err.println("error: no password: use --password-stdin, or run in a terminal to be asked");
      return ExitCodes.BAD_INPUT;
    }
    SignupRequest.Builder request = SignupRequest.newBuilder()
        .setEmail(email)
        .setName(name)
        .setPassword(password)
        .setRegion(region)
        .setDevice(RemoteOptions.parseDevice(device));
    if (requestId != null) {
      request.setRequestId(requestId);
    }
    ManagedChannel channel = remote.channel(target);
    try {
      SignupResponse response = SignupServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(remote.timeoutMillis(), remote.unit())
          .signup(request.build());
      if (remote.json) {
        remote.printJson(out, response);
      } else {
        Plan plan = response.getSubscription().getPlan();
        out.printf("Signed up %s (client %s)%n", response.getClient().getEmail(),
            response.getClient().getClientId());
        out.printf("  plan:      %s (%s), %s%n", plan.getPlanId(), plan.getName(),
            Prices.format(plan.getPrice()));
        out.printf("  signup_id: %s%n", response.getSignupId());
      }
      return ExitCodes.OK;
    } catch (StatusRuntimeException e) {
      return remote.reportFailure(err, e);
    } finally {
      channel.shutdownNow();
    }
  }
}
