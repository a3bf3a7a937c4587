package signup.orchestrator.domain;

import java.time.Instant;
import signup.common.domain.Device;

/**
 * One row of the orchestrator's log: a sign-up transaction and everything needed to answer for
 * it again (a replay by request_id) without asking the participants. Never holds the password.
 *
 * @param requestId empty when the caller sent none
 * @param deadline when a TRYING row is given up by recovery
 * @param clientCreatedAt null until both reserves succeeded
 * @param subscription null until both reserves succeeded
 * @param failureKind null unless ABORTING or ABORTED
 */
public record SignupRecord(
    String txnId,
    String requestId,
    String fingerprint,
    SignupState state,
    String clientId,
    String email,
    String name,
    String region,
    Device device,
    Instant createdAt,
    Instant updatedAt,
    Instant deadline,
    Instant clientCreatedAt,
    SubscriptionReservation subscription,
    FailureKind failureKind,
    String failureMessage) {

  /** A new TRYING row. */
  static SignupRecord trying(String txnId, String clientId, SignupRequest request, Instant now,
      Instant deadline) {
    return new SignupRecord(txnId, request.requestId(), request.fingerprint(), SignupState.TRYING,
        clientId, request.email(), request.name(), request.region(), request.device(), now, now,
        deadline, null, null, null, null);
  }

  /** This TRYING row once committed with these reservations and confirmed everywhere. */
  SignupRecord done(Instant clientCreatedAt, SubscriptionReservation subscription, Instant now) {
    return new SignupRecord(txnId, requestId, fingerprint, SignupState.DONE, clientId, email,
        name, region, device, createdAt, now, deadline, clientCreatedAt, subscription, null, null);
  }
}
