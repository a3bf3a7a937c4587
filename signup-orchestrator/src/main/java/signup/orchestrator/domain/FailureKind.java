package signup.orchestrator.domain;

/** Why a sign-up was aborted, as the caller is told it. */
public enum FailureKind {
  /** A bad field a participant refused (the orchestrator checks the same rules first). */
  INVALID_INPUT,
  /** The e-mail is registered already. */
  ALREADY_EXISTS,
  /** A participant could not be reached, or could not write (its store not writable). */
  UNAVAILABLE,
  /** A participant is out of something it needs to write: its store's disk space. */
  RESOURCE_EXHAUSTED,
  /** A participant did not answer within its deadline. */
  DEADLINE_EXCEEDED,
  /** The transaction was aborted underneath the request (recovery, a late cancel). */
  ABORTED,
  /** A participant failed in a way it should not. */
  INTERNAL
}
