package signup.orchestrator.domain;

/** A sign-up that ended without creating anything, and why. */
public final class SignupFailedException extends RuntimeException {
  private final FailureKind kind;

  public SignupFailedException(FailureKind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public FailureKind kind() {
    return kind;
  }
}
