package signup.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Channel;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import signup.common.grpc.ProtoValues;
import signup.orchestrator.v1.SignupRequest;
import signup.orchestrator.v1.SignupResponse;
import signup.orchestrator.v1.SignupServiceGrpc;

/** Sign-ups through the public {@code Signup} RPC, asynchronously, each with its deadline. */
final class SignupWorkload implements Workload {
  private final SignupServiceGrpc.SignupServiceFutureStub stub;
  private final Duration deadline;
  private final String runId;
  private final AtomicLong sequence;

  /** @param sequence shared by every step of a run, so that no e-mail is used twice */
  SignupWorkload(Channel channel, Duration deadline, String runId, AtomicLong sequence) {
    // Replies complete a future on the transport thread, skipping a hop through the channel's
    // executor: what the driver costs is taken from the same cores as the system measured.
    this.stub = SignupServiceGrpc.newFutureStub(channel)
        .withExecutor(MoreExecutors.directExecutor());
    this.deadline = deadline;
    this.runId = runId;
    this.sequence = sequence;
  }

  @Override
  public CompletableFuture<SignupResponse> start() {
    SignupMix.Details details = SignupMix.details(runId, sequence.incrementAndGet());
    SignupRequest request = SignupRequest.newBuilder()
        .setEmail(details.email())
        .setName(SignupMix.NAME)
        .setPassword(SignupMix.PASSWORD)
        .setRegion(details.region())
        .setDevice(ProtoValues.deviceType(details.device()))
        .build();
    CompletableFuture<SignupResponse> result = new CompletableFuture<>();
    Futures.addCallback(
        stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).signup(request),
        new FutureCallback<>() {
          @Override
          public void onSuccess(SignupResponse response) {
            result.complete(response);
          }

          @Override
          public void onFailure(Throwable t) {
            result.completeExceptionally(t);
          }
        }, MoreExecutors.directExecutor());
    return result;
  }

  @Override
  public String classify(Throwable failure) {
    return Status.fromThrowable(failure).getCode().name();
  }
}
