package signup.orchestrator.domain;

/** A participant call that did not succeed, classified for the protocol. */
public final class ParticipantException extends RuntimeException {
  private final FailureKind kind;
  private final boolean retryable;
  private final boolean notSent;

  public ParticipantException(FailureKind kind, boolean retryable, String message,
      Throwable cause) {
    this(kind, retryable, message, cause, false);
  }

  private ParticipantException(FailureKind kind, boolean retryable, String message,
      Throwable cause, boolean notSent) {
    super(message, cause);
    this.kind = kind;
    this.retryable = retryable;
    this.notSent = notSent;
  }

  /** A call not sent because its participant is known to be down ({@link DownParticipants}). */
  static ParticipantException notSent(String message) {
    return new ParticipantException(FailureKind.UNAVAILABLE, true, message, null, true);
  }

  public FailureKind kind() {
    return kind;
  }

  /** True when the same call may succeed later (down, slow); false for a definite refusal. */
  public boolean retryable() {
    return retryable;
  }

  /** True when the call was never sent: its participant is known to be down. */
  public boolean notSent() {
    return notSent;
  }
}
