package signup.bench;

import signup.common.domain.Device;

/**
 * The sign-ups a benchmark makes: unique e-mails within a run, and regions and devices in turn
 * so that every plan is chosen. The remote and the local workloads make the same ones.
 */
final class SignupMix {
  static final String PASSWORD = "bench-password-9";
  static final String NAME = "Bench User";

  /** One sign-up's details; {@code planId} is the plan the catalogue chooses for them. */
  record Details(String email, String region, Device device, String planId) {}

  private static final Details[] TURNS = {
      new Details(null, "US", Device.IOS, "us-ios"),
      new Details(null, "US", Device.ANDROID, "us-android"),
      new Details(null, "GB", Device.WEB, "global")};

  private SignupMix() {}

  /** The {@code sequence}-th sign-up of run {@code runId}. */
  static Details details(String runId, long sequence) {
    Details turn = TURNS[(int) (sequence % TURNS.length)];
    return new Details("bench-" + runId + "-" + sequence + "@example.com", turn.region(),
        turn.device(), turn.planId());
  }
}
