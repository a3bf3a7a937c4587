package signup.orchestrator;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import signup.common.cli.DurationConverter;
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

  /** The settings these options describe; a usage error for a value out of range. */
  public AdmissionSettings settings(CommandSpec spec) {
    if (maxInFlight < 1) {
      throw new ParameterException(spec.commandLine(),
          "--max-in-flight must be at least 1, not " + maxInFlight);
    }
    if (minDeadline.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--min-deadline must not be negative");
    }
    if (slowSignup.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--slow-signup must not be negative");
    }
    return AdmissionSettings.DEFAULTS.withMaxInFlight(maxInFlight).withMinTimeLeft(minDeadline)
        .withSlowSignup(slowSignup);
  }
}
