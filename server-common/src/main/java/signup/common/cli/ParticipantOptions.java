package signup.common.cli;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import signup.common.domain.ParticipantSettings;
import signup.common.domain.Retention;

/**
 * The options both participants take, declared once: how they reach the coordinator and how long
 * a reservation may stay undecided. Each participant's command names its environment with
 * {@link Environment}: {@code <SERVICE>_<OPTION>} first (e.g. {@code CLIENT_RESERVATION_TTL}),
 * then {@code SIGNUP_<OPTION>} for a value both participants share.
 */
public final class ParticipantOptions {
  private static final Set<String> NAMES = Set.of("--coordinator", "--coordinator-deadline",
      "--reservation-ttl", "--sweep-interval");
  // The variables of each option as help lists them (constants: annotations need them so).
  private static final String ENV_COORDINATOR = "CLIENT_COORDINATOR for client-server, "
      + "SUBSCRIPTION_COORDINATOR for subscription-server, or SIGNUP_COORDINATOR for both";
  private static final String ENV_COORDINATOR_DEADLINE = "CLIENT_COORDINATOR_DEADLINE for "
      + "client-server, SUBSCRIPTION_COORDINATOR_DEADLINE for subscription-server, or "
      + "SIGNUP_COORDINATOR_DEADLINE for both";
  private static final String ENV_RESERVATION_TTL = "CLIENT_RESERVATION_TTL for client-server, "
      + "SUBSCRIPTION_RESERVATION_TTL for subscription-server, or SIGNUP_RESERVATION_TTL for "
      + "both";
  private static final String ENV_SWEEP_INTERVAL = "CLIENT_SWEEP_INTERVAL for client-server, "
      + "SUBSCRIPTION_SWEEP_INTERVAL for subscription-server, or SIGNUP_SWEEP_INTERVAL for both";

  @Option(names = "--coordinator", defaultValue = "localhost:50051",
      description = "The orchestrator's TransactionCoordinator, asked about reservations past "
          + "their TTL: host:port, or several replicas as host:port,host:port or "
          + "dns:///name:port (env " + ENV_COORDINATOR + "). "
          + "Default: ${DEFAULT-VALUE}.")
  String coordinator;

  @Option(names = "--coordinator-deadline", defaultValue = "PT2S",
      converter = DurationConverter.class,
      description = "Deadline of each question to the coordinator, like 2s or PT2S "
          + "(env " + ENV_COORDINATOR_DEADLINE + "). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration coordinatorDeadline;

  @Option(names = "--reservation-ttl", defaultValue = "PT30S",
      converter = DurationConverter.class,
      description = "How long a reservation may stay undecided before the coordinator is asked "
          + "about it, like 30s or PT30S (env " + ENV_RESERVATION_TTL + "). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration reservationTtl;

  @Option(names = "--sweep-interval", defaultValue = "PT5S",
      converter = DurationConverter.class,
      description = "How often reservations past their TTL are looked for "
          + "(env " + ENV_SWEEP_INTERVAL + "). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration sweepInterval;

  public String coordinator() {
    return coordinator;
  }

  /** Checked a gRPC target: one address, several replicas' or a DNS name. */
  public String coordinator(CommandSpec spec) {
    return ServerOptions.requireTarget(spec, "--coordinator", coordinator);
  }

  /** Checked positive. */
  public Duration coordinatorDeadline(CommandSpec spec) {
    ServerOptions.requirePositive(spec, "--coordinator-deadline", coordinatorDeadline);
    return coordinatorDeadline;
  }

  /** The reservation TTL and sweep interval, checked positive. */
  public ParticipantSettings settings(CommandSpec spec) {
    ServerOptions.requirePositive(spec, "--reservation-ttl", reservationTtl);
    ServerOptions.requirePositive(spec, "--sweep-interval", sweepInterval);
    return new ParticipantSettings(reservationTtl, sweepInterval);
  }

  /** {@code --retention}, refused when shorter than these settings need. */
  public Retention retention(CommandSpec spec, ServerOptions server) {
    return server.retention(spec, settings(spec).minimumRetention(),
        "--reservation-ttl + --sweep-interval");
  }

  /**
   * A participant command's environment for these options ({@code defaultValueProvider} of its
   * {@code @Command}, through a subclass naming the service): a variable wins over the
   * annotation's default, a flag over both.
   */
  public abstract static class Environment implements IDefaultValueProvider {
    private final String prefix;
    private final Map<String, String> variables;

    protected Environment(String prefix) {
      this(prefix, System.getenv());
    }

    Environment(String prefix, Map<String, String> variables) {
      this.prefix = prefix;
      this.variables = variables;
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
      if (!(argSpec instanceof OptionSpec option) || !NAMES.contains(option.longestName())) {
        return null; // the others name their variable in their own annotation
      }
      String suffix = option.longestName().substring(2).replace('-', '_').toUpperCase();
      String own = variables.get(prefix + "_" + suffix);
      return own != null ? own : variables.get("SIGNUP_" + suffix);
    }
  }
}
