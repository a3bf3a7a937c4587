package signup.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import signup.subscription.v1.QuotePlanRequest;
import signup.subscription.v1.QuotePlanResponse;
import signup.subscription.v1.SubscriptionServiceGrpc;

@Command(name = "quote", mixinStandardHelpOptions = true,
    description = "Show the plan a sign-up from this region and device would get.")
final class QuoteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RemoteOptions remote;

  @Option(names = "--target", defaultValue = "${env:SUBSCRIPTION_TARGET:-localhost:50053}",
      description = "subscription-server address: host:port, or its replicas as "
          + "host:port,host:port or dns:///name:port (env SUBSCRIPTION_TARGET). "
          + "Default: ${DEFAULT-VALUE}.")
  String target;

  @Option(names = "--region", required = true) String region;
  @Option(names = "--device", required = true, description = "IOS, ANDROID or WEB.")
  String device;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    ManagedChannel channel = remote.channel(target);
    try {
      QuotePlanResponse quote = SubscriptionServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(remote.timeoutMillis(), remote.unit())
          .quotePlan(QuotePlanRequest.newBuilder().setRegion(region).setDevice(RemoteOptions.parseDevice(device)).build());
      if (remote.json) {
        remote.printJson(out, quote);
      } else {
        out.println(PlansCommand.row(quote.getPlan()));
      }
      return ExitCodes.OK;
    } catch (StatusRuntimeException e) {
      return remote.reportFailure(spec.commandLine().getErr(), e);
    } finally {
      channel.shutdownNow();
    }
  }
}
