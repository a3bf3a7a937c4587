package signup.orchestrator.domain;

/** A sign-up that ended without creating anything, and why. */
public final class SignupFailedException extends RuntimeException {
  private final String signupId;
  private final FailureKind kind;

  /** @param signupId the aborted sign-up's id, which GetSignup answers for */
  public SignupFailedException(String signupId, FailureKind kind, String message) {
    super(message);
    this.signupId = signupId;
    this.kind = kind;
  }

  public String signupId() {
    return signupId;
  }

  public FailureKind kind() {
    return kind;
  }
}
