package signup.orchestrator.domain;

/** The states of a sign-up transaction in the orchestrator's log. */
public enum SignupState {
  /** Reserving on both participants; nothing decided. */
  TRYING,
  /** Decided to commit (this row is the decision); confirming on both. */
  COMMITTING,
  /** Both confirmed. Final. */
  DONE,
  /** Decided to abort; cancelling on both. */
  ABORTING,
  /** Both cancelled. Final. */
  ABORTED;

  public boolean isFinal() {
    return this == DONE || this == ABORTED;
  }
}
