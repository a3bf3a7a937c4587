package signup.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import signup.client.v1.ClientServiceGrpc;
import signup.client.v1.LoginRequest;
import signup.client.v1.LoginResponse;

@Command(name = "login", mixinStandardHelpOptions = true,
    description = {"Log in: prints an access token for 'subscribe' and the other calls that "
        + "act on your account (send it as 'authorization: Bearer <token>').",
        "Keep it in SIGNUP_ACCESS_TOKEN: export SIGNUP_ACCESS_TOKEN=$(signup login ...)"})
final class LoginCommand implements Callable<Integer> {
  @ParentCommand SignupCli cli;
  @Spec CommandSpec spec;
  @Mixin RemoteOptions remote;

  @Option(names = "--target", defaultValue = "${env:CLIENT_TARGET:-localhost:50052}",
      description = "client-server address (env CLIENT_TARGET). Default: ${DEFAULT-VALUE}.")
  String target;

  @Option(names = "--email", required = true) String email;

  @Option(names = "--password-stdin",
      description = "Read the password from the first line of standard input instead of "
          + "prompting for it.")
  boolean passwordStdin;

  @Override
  public Integer call() throws IOException {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    String password = PasswordInput.read(passwordStdin, cli.stdin());
    if (password == null) {
      err.println("error: no password: use --password-stdin, or run in a terminal to be asked");
      return ExitCodes.BAD_INPUT;
    }
    ManagedChannel channel = remote.channel(target);
    try {
      LoginResponse response = ClientServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(remote.timeoutMillis(), remote.unit())
          .login(LoginRequest.newBuilder().setEmail(email).setPassword(password).build());
      if (remote.json) {
        remote.printJson(out, response);
      } else {
        // The token alone on stdout, so that $(signup login ...) captures just it.
        out.println(response.getAccessToken());
        err.printf("Logged in as client %s; the token expires at %s%n",
            response.getClientId(), Instant.ofEpochSecond(response.getExpiresAt().getSeconds()));
      }
      return ExitCodes.OK;
    } catch (StatusRuntimeException e) {
      return remote.reportFailure(err, e);
    } finally {
      channel.shutdownNow();
    }
  }
}
