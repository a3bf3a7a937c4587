package signup.common.grpc;

import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import signup.orchestrator.v1.ResolveTransactionRequest;
import signup.orchestrator.v1.ResolveTransactionResponse;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;

/**
 * A real generated service whose answer the test scripts per txn_id; whatever the script throws
 * escapes the handler, as a domain exception thrown by a service implementation would.
 */
final class ScriptedCoordinator extends TransactionCoordinatorGrpc.TransactionCoordinatorImplBase {
  static final String SERVICE = TransactionCoordinatorGrpc.SERVICE_NAME;

  final List<String> asked = new CopyOnWriteArrayList<>();
  final List<String> events = new CopyOnWriteArrayList<>();
  private volatile Function<String, ResolveTransactionResponse> script;

  ScriptedCoordinator(Function<String, ResolveTransactionResponse> script) {
    this.script = script;
  }

  void script(Function<String, ResolveTransactionResponse> script) {
    this.script = script;
  }

  @Override
  public void resolveTransaction(ResolveTransactionRequest request,
      StreamObserver<ResolveTransactionResponse> responseObserver) {
    asked.add(request.getTxnId());
    ResolveTransactionResponse response = script.apply(request.getTxnId());
    events.add("answered " + request.getTxnId());
    responseObserver.onNext(response);
    responseObserver.onCompleted();
  }
}
