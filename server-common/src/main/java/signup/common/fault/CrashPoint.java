package signup.common.fault;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The places where a test may make a server die as if killed -9: each is a moment where a
 * crash leaves the protocol half-way in a distinct state, so recovery is proven from each one.
 */
public enum CrashPoint {
  /** The TRYING row is durable; no participant has been called. */
  ORCHESTRATOR_AFTER_TRYING("orchestrator", "after-trying"),
  /** One reserve reply (success or failure) has arrived; the other may still be on its way. */
  ORCHESTRATOR_AFTER_FIRST_RESERVE("orchestrator", "after-first-reserve"),
  /** COMMITTING is durable (the decision); no confirm has been sent. */
  ORCHESTRATOR_AFTER_COMMITTING("orchestrator", "after-committing"),
  /** One participant has acknowledged its confirm; the other may not have. */
  ORCHESTRATOR_AFTER_FIRST_CONFIRM("orchestrator", "after-first-confirm"),
  /** The pending client is durable; the orchestrator has not been answered. */
  CLIENT_AFTER_RESERVE_WRITE("client", "after-reserve-write"),
  /** The client is confirmed durably; the orchestrator has not been answered. */
  CLIENT_AFTER_CONFIRM_WRITE("client", "after-confirm-write"),
  /** The pending subscription is durable; the orchestrator has not been answered. */
  SUBSCRIPTION_AFTER_RESERVE_WRITE("subscription", "after-reserve-write"),
  /** The subscription is confirmed durably; the orchestrator has not been answered. */
  SUBSCRIPTION_AFTER_CONFIRM_WRITE("subscription", "after-confirm-write");

  private final String service;
  private final String id;

  CrashPoint(String service, String moment) {
    this.service = service;
    this.id = service + "." + moment;
  }

  /** The name used in the setting, e.g. {@code orchestrator.after-trying}. */
  public String id() {
    return id;
  }

  /** The service whose code reaches this point: orchestrator, client or subscription. */
  public String service() {
    return service;
  }

  public static Optional<CrashPoint> byId(String id) {
    return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst();
  }

  /** Every id, comma-separated, for error messages. */
  public static String allIds() {
    return Arrays.stream(values()).map(CrashPoint::id).collect(Collectors.joining(", "));
  }
}
