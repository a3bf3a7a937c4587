package signup.cli;

import io.grpc.MethodDescriptor;
import java.util.List;
import signup.client.v1.ClientParticipantGrpc;
import signup.orchestrator.SignupSystem;
import signup.subscription.v1.SubscriptionParticipantGrpc;

/** One of the two participants, for tests that put a fault in front of either. */
enum ParticipantServer {
  CLIENT("client.db", ClientParticipantGrpc.getReserveMethod(),
      ClientParticipantGrpc.getConfirmMethod()),
  SUBSCRIPTION("subscription.db", SubscriptionParticipantGrpc.getReserveMethod(),
      SubscriptionParticipantGrpc.getConfirmMethod());

  final String dbFile;
  final MethodDescriptor<?, ?> reserve;
  final MethodDescriptor<?, ?> confirm;

  ParticipantServer(String dbFile, MethodDescriptor<?, ?> reserve,
      MethodDescriptor<?, ?> confirm) {
    this.dbFile = dbFile;
    this.reserve = reserve;
    this.confirm = confirm;
  }

  /** Where the system's real server of this participant listens. */
  String target(SignupSystem system) {
    return SignupSystem.target(this == CLIENT ? system.clientPort : system.subscriptionPort);
  }

  /** Starts the orchestrator reaching this participant at {@code target}, the other directly. */
  void startOrchestratorReachingItAt(SignupSystem system, String target) {
    system.startOrchestrator(this == CLIENT ? target : CLIENT.target(system),
        this == SUBSCRIPTION ? target : SUBSCRIPTION.target(system));
  }

  /** The state of {@code txnId} in this participant's barrier, or "none". */
  String barrierState(SignupSystem system, String txnId) {
    // The txn id is a UUID the orchestrator made: safe to inline.
    long state = system.query(dbFile, "SELECT CASE state WHEN 'RESERVED' THEN 1 "
        + "WHEN 'CONFIRMED' THEN 2 WHEN 'CANCELLED' THEN 3 END FROM txn_barrier "
        + "WHERE txn_id = '" + txnId + "'");
    return List.of("none", "RESERVED", "CONFIRMED", "CANCELLED").get((int) state);
  }
}
