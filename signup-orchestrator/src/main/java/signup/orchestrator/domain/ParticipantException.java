package signup.orchestrator.domain;

/** A participant call that did not succeed, classified for the protocol. */
public final class ParticipantException extends RuntimeException {
  private final FailureKind kind;
  private final boolean retryable;

  public ParticipantException(FailureKind kind, boolean retryable, String message,
      Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.retryable = retryable;
  }

  public FailureKind kind() {
    return kind;
  }

  /** True when the same call may succeed later (down, slow); false for a definite refusal. */
  public boolean retryable() {
    return retryable;
  }
}
