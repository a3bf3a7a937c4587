package signup.orchestrator.tracing;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import signup.common.domain.Device;
import signup.orchestrator.domain.ClientParticipantPort;
import signup.orchestrator.domain.ClientReservation;
import signup.orchestrator.domain.SignupRequest;
import signup.orchestrator.domain.SubscriptionParticipantPort;
import signup.orchestrator.domain.SubscriptionReservation;

/**
 * The participants, each reserve, confirm and cancel in its sign-up's logging context (txn_id,
 * trace_id), its reply too, and with traces on a span of its sign-up's trace ("reserve client",
 * ...), current while the call starts so that the call's own span (and the traceparent it sends)
 * is its child.
 */
public final class TracedParticipants {
  private TracedParticipants() {}

  public static ClientParticipantPort client(ClientParticipantPort port, TxnTraces traces) {
    return new ClientParticipantPort() {
      @Override
      public String name() {
        return port.name();
      }

      @Override
      public CompletableFuture<ClientReservation> reserve(String txnId, String clientId,
          SignupRequest request) {
        return traces.step(txnId, "reserve " + port.name(),
            () -> port.reserve(txnId, clientId, request));
      }

      @Override
      public CompletableFuture<Optional<Instant>> confirm(String txnId) {
        return traces.step(txnId, "confirm " + port.name(), () -> port.confirm(txnId));
      }

      @Override
      public CompletableFuture<Void> cancel(String txnId) {
        return traces.step(txnId, "cancel " + port.name(), () -> port.cancel(txnId));
      }
    };
  }

  public static SubscriptionParticipantPort subscription(SubscriptionParticipantPort port,
      TxnTraces traces) {
    return new SubscriptionParticipantPort() {
      @Override
      public String name() {
        return port.name();
      }

      @Override
      public CompletableFuture<SubscriptionReservation> reserve(String txnId, String clientId,
          String region, Device device) {
        return traces.step(txnId, "reserve " + port.name(),
            () -> port.reserve(txnId, clientId, region, device));
      }

      @Override
      public CompletableFuture<Optional<Instant>> confirm(String txnId) {
        return traces.step(txnId, "confirm " + port.name(), () -> port.confirm(txnId));
      }

      @Override
      public CompletableFuture<Void> cancel(String txnId) {
        return traces.step(txnId, "cancel " + port.name(), () -> port.cancel(txnId));
      }
    };
  }
}
