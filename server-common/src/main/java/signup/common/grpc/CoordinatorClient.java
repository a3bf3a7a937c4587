package signup.common.grpc;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import signup.common.domain.TransactionResolver;
import signup.orchestrator.v1.Decision;
import signup.orchestrator.v1.ResolveTransactionRequest;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;

/** Asks the orchestrator's TransactionCoordinator about a transaction, with a deadline. */
public final class CoordinatorClient implements TransactionResolver {
  private final TransactionCoordinatorGrpc.TransactionCoordinatorBlockingStub stub;
  private final Duration deadline;

  public CoordinatorClient(Channel channel, Duration deadline) {
    this.stub = TransactionCoordinatorGrpc.newBlockingStub(channel);
    this.deadline = deadline;
  }

  @Override
  public Outcome resolve(String txnId) {
    try {
      Decision decision = stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
          .resolveTransaction(ResolveTransactionRequest.newBuilder().setTxnId(txnId).build())
          .getDecision();
      return switch (decision) {
        case COMMIT -> Outcome.COMMIT;
        case ABORT -> Outcome.ABORT;
        default -> throw new CoordinatorUnavailableException(
            "the coordinator answered " + decision, null);
      };
    } catch (StatusRuntimeException e) {
      // Whatever went wrong, only an explicit answer may decide a reservation.
      throw new CoordinatorUnavailableException(
          Status.fromThrowable(e).getCode() + ": " + e.getStatus().getDescription(), e);
    }
  }
}
