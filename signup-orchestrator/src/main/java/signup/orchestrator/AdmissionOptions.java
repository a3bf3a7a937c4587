package signup.orchestrator;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import signup.common.cli.DurationConverter;
import signup.common.grpc.ConnectionPolicy;
import signup.common.security.Transport;
import signup.orchestrator.domain.AdmissionSettings;

/**
 * How much the orchestrator takes on ({@link AdmissionSettings}): the options of
 * {@code signup serve orchestrator} and of {@code signup up}, which runs one.
 */
public final class AdmissionOptions {
  @Option(names = "--max-in-flight", defaultValue = "${env:SIGNUP_MAX_IN_FLIGHT:-256}",
      description = "Sign-ups under way at once, at most; one more is refused at once, before "
          + "any write, with RESOURCE_EXHAUSTED and a retry hint. Fewer while sign-ups come "
          + "back slower than --slow-signup (env SIGNUP_MAX_IN_FLIGHT). "
          + "Default: ${DEFAULT-VALUE}.")
  int maxInFlight;

  @Option(names = "--slow-signup", defaultValue = "${env:SIGNUP_SLOW_SIGNUP:-1s}",
      converter = DurationConverter.class,
      description = "Sign-ups slower than this, from admission to answer, say they queue "
          + "somewhere (client-server's hashers, a database): the orchestrator then admits a "
          + "quarter fewer at a time, and one more again for each round of quicker ones, up to "
          + "--max-in-flight; 0 keeps --max-in-flight (env SIGNUP_SLOW_SIGNUP). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration slowSignup;

  @Option(names = "--min-deadline", defaultValue = "${env:SIGNUP_MIN_DEADLINE:-25ms}",
      converter = DurationConverter.class,
      description = "A Signup whose deadline leaves less than this is refused at once with "
          + "DEADLINE_EXCEEDED, not started: its caller would be gone before any answer "
          + "(env SIGNUP_MIN_DEADLINE). Default: ${DEFAULT-VALUE}.")
  Duration minDeadline;

  @Option(names = "--max-late-calls", defaultValue = "${env:SIGNUP_MAX_LATE_CALLS:-50}",
      description = "Calls too late to start (refused for --min-deadline, or expired before "
          + "they reached the orchestrator) that one connection may send within a second; one "
          + "more and the orchestrator stops reading from that connection and closes it 5 s "
          + "later, so that a flood of such calls costs it next to nothing. Behind a proxy that "
          + "carries many callers on one connection, set 0 and limit each caller's rate at "
          + "the proxy; 0: no limit (env SIGNUP_MAX_LATE_CALLS). Default: ${DEFAULT-VALUE}.")
  int maxLateCalls;

  /** {@code transport} with --max-late-calls in its policy ({@link #settings} checks it). */
  public Transport transport(Transport transport) {
    ConnectionPolicy policy = transport.connections().withMaxLateCallsPerSecond(maxLateCalls);
    return transport.withConnections(policy);
  }

  /** The settings these options describe; a usage error for a value out of range. */
  public AdmissionSettings settings(CommandSpec spec) {
    if (maxInFlight < 1) {
      throw new ParameterException(spec.commandLine(),
          "--max-in-flight must be at least 1, not " + maxInFlight);
    }
    if (minDeadline.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--min-deadline must not be negative");
    }
    if (maxLateCalls < 0) {
      throw new ParameterException(spec.commandLine(),
          "--max-late-calls must not be negative, not " + maxLateCalls);
    }
    if (slowSignup.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--slow-signup must not be negative");
    }
    return AdmissionSettings.DEFAULTS.withMaxInFlight(maxInFlight).withMinTimeLeft(minDeadline)
        .withSlowSignup(slowSignup);
  }
}
