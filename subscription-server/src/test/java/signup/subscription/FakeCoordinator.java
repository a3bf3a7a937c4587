package signup.subscription;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import signup.orchestrator.v1.Decision;
import signup.orchestrator.v1.ResolveTransactionRequest;
import signup.orchestrator.v1.ResolveTransactionResponse;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;

/** An orchestrator that answers from a table, or is unavailable for transactions not in it. */
public final class FakeCoordinator
    extends TransactionCoordinatorGrpc.TransactionCoordinatorImplBase {
  public final Map<String, Decision> decisions = new ConcurrentHashMap<>();
  public final List<String> asked = new CopyOnWriteArrayList<>();

  @Override
  public void resolveTransaction(ResolveTransactionRequest request,
      StreamObserver<ResolveTransactionResponse> response) {
    asked.add(request.getTxnId());
    Decision decision = decisions.get(request.getTxnId());
    if (decision == null) {
      response.onError(Status.UNAVAILABLE.withDescription("coordinator recovering")
          .asRuntimeException());
      return;
    }
    response.onNext(ResolveTransactionResponse.newBuilder().setDecision(decision).build());
    response.onCompleted();
  }
}
