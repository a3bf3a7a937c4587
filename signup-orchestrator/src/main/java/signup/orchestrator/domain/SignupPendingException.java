package signup.orchestrator.domain;

/**
 * The sign-up is decided to commit but a participant has not acknowledged its confirm within the
 * request's time. Recovery completes it; a retry with the same request_id returns the outcome.
 */
public final class SignupPendingException extends RuntimeException {
  private final String signupId;

  public SignupPendingException(String txnId) {
    super("sign-up " + txnId + " is committed but not yet confirmed by every participant; "
        + "it completes in the background (GetSignup shows when)");
    this.signupId = txnId;
  }

  public String signupId() {
    return signupId;
  }
}
