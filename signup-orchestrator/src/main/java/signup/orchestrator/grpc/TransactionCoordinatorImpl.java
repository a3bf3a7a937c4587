package signup.orchestrator.grpc;

import io.grpc.stub.StreamObserver;
import signup.common.domain.SignupFields;
import signup.common.domain.Violations;
import signup.orchestrator.domain.SignupCoordinator;
import signup.orchestrator.v1.Decision;
import signup.orchestrator.v1.ResolveTransactionRequest;
import signup.orchestrator.v1.ResolveTransactionResponse;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;

/** Internal: participants ask here about reservations that outlived their TTL. */
public final class TransactionCoordinatorImpl
    extends TransactionCoordinatorGrpc.TransactionCoordinatorImplBase {
  private final SignupCoordinator coordinator;

  public TransactionCoordinatorImpl(SignupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public void resolveTransaction(ResolveTransactionRequest request,
      StreamObserver<ResolveTransactionResponse> responses) {
    Violations violations = new Violations();
    SignupFields.checkId(violations, "txn_id", request.getTxnId());
    violations.throwIfAny();
    boolean commit = coordinator.resolve(request.getTxnId());
    responses.onNext(ResolveTransactionResponse.newBuilder()
        .setDecision(commit ? Decision.COMMIT : Decision.ABORT)
        .build());
    responses.onCompleted();
  }
}
