package signup.cli;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import signup.orchestrator.v1.GetSignupRequest;
import signup.orchestrator.v1.SignupServiceGrpc;
import signup.orchestrator.v1.SignupStatus;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show the state of one sign-up, by signup_id (or --request-id).")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RemoteOptions remote;
  @Mixin CallerOptions caller;

  @Option(names = "--target", defaultValue = "${env:SIGNUP_TARGET:-localhost:50051}",
      description = "Orchestrator address: host:port, or its replicas as host:port,host:port or "
          + "dns:///name:port (env SIGNUP_TARGET). Default: ${DEFAULT-VALUE}.")
  String target;

  @Parameters(index = "0", arity = "0..1", paramLabel = "SIGNUP_ID") String signupId;

  @Option(names = "--request-id", description = "Look the sign-up up by its request_id.")
  String requestId;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    GetSignupRequest.Builder request = GetSignupRequest.newBuilder();
    if (signupId != null) {
      request.setSignupId(signupId);
    } else if (requestId != null) {
      request.setRequestId(requestId);
    } else {
      err.println("error: give a SIGNUP_ID or --request-id");
      return ExitCodes.BAD_INPUT;
    }
    CallCredentials credentials;
    try {
      credentials = caller.credentials();
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return ExitCodes.BAD_INPUT;
    }
    ManagedChannel channel = remote.channel(target);
    try {
      // Anyone sees the state and ids; the client's own token or the internal token see all.
      SignupStatus status = SignupServiceGrpc.newBlockingStub(channel)
          .withCallCredentials(credentials)
          .withDeadlineAfter(remote.timeoutMillis(), remote.unit())
          .getSignup(request.build());
      if (remote.json) {
        remote.printJson(out, status);
      } else {
        out.printf("%s  %s%n", status.getSignupId(), status.getState());
        if (!status.getClientId().isEmpty()) {
          out.printf("  client:  %s (%s)%n", status.getClientId(), status.getEmail());
        } else if (!status.getEmail().isEmpty()) {
          // Aborted: its client never existed.
          out.printf("  email:   %s%n", status.getEmail());
        }
        if (!status.getPlanId().isEmpty()) {
          out.printf("  plan:    %s, %s%n", status.getPlanId(), Prices.format(status.getPrice()));
        }
        if (!status.getFailureCode().isEmpty()) {
          out.printf("  failure: %s: %s%n", status.getFailureCode(), status.getFailureMessage());
        }
      }
      return ExitCodes.OK;
    } catch (StatusRuntimeException e) {
      return remote.reportFailure(err, e);
    } finally {
      channel.shutdownNow();
    }
  }
}
