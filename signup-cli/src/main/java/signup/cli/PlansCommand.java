package signup.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import signup.common.v1.DeviceType;
import signup.subscription.v1.ListPlansRequest;
import signup.subscription.v1.ListPlansResponse;
import signup.subscription.v1.Plan;
import signup.subscription.v1.SubscriptionServiceGrpc;

@Command(name = "plans", mixinStandardHelpOptions = true,
    description = "List the plans and their prices.")
final class PlansCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RemoteOptions remote;

  @Option(names = "--target", defaultValue = "${env:SUBSCRIPTION_TARGET:-localhost:50053}",
      description = "subscription-server address: host:port, or its replicas as "
          + "host:port,host:port or dns:///name:port (env SUBSCRIPTION_TARGET). "
          + "Default: ${DEFAULT-VALUE}.")
  String target;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    ManagedChannel channel = remote.channel(target);
    try {
      ListPlansResponse plans = SubscriptionServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(remote.timeoutMillis(), remote.unit())
          .listPlans(ListPlansRequest.getDefaultInstance());
      if (remote.json) {
        remote.printJson(out, plans);
      } else {
        out.printf("%-12s %-12s %-7s %-8s %s%n", "PLAN", "NAME", "REGION", "DEVICE", "PRICE");
        for (Plan plan : plans.getPlansList()) {
          out.println(row(plan));
        }
      }
      return ExitCodes.OK;
    } catch (StatusRuntimeException e) {
      return remote.reportFailure(spec.commandLine().getErr(), e);
    } finally {
      channel.shutdownNow();
    }
  }

  static String row(Plan plan) {
    return String.format("%-12s %-12s %-7s %-8s %s", plan.getPlanId(), plan.getName(),
        plan.getRegion().isEmpty() ? "any" : plan.getRegion(),
        plan.getDevice() == DeviceType.DEVICE_TYPE_UNSPECIFIED ? "any" : plan.getDevice(),
        Prices.format(plan.getPrice()));
  }
}
