package signup.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import signup.common.grpc.ProtoValues;
import signup.orchestrator.v1.SignupRequest;
import signup.orchestrator.v1.SignupResponse;
import signup.orchestrator.v1.SignupServiceGrpc;

/** Sign-ups through the public {@code Signup} RPC, asynchronously, each with its deadline. */
final class SignupWorkload implements Workload {
  /**
   * How much later than its deadline an answer may arrive and not count as late: the client's
   * own deadline timer and a busy machine's scheduling of the thread that completes the call.
   */
  static final Duration LATE_TOLERANCE = Duration.ofMillis(20);
  /** The wait after a refusal that carries no {@code google.rpc.RetryInfo}. */
  static final Duration DEFAULT_RETRY_WAIT = Duration.ofMillis(100);
  /** A refusal asking for longer is waited for this long: a bench step must end. */
  private static final Duration LONGEST_RETRY_WAIT = Duration.ofSeconds(5);

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
    SignupRequest request = request(runId, sequence.incrementAndGet());
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

  /** The {@code sequence}-th sign-up of run {@code runId}, as a Signup request. */
  static SignupRequest request(String runId, long sequence) {
    SignupMix.Details details = SignupMix.details(runId, sequence);
    return SignupRequest.newBuilder()
        .setEmail(details.email())
        .setName(SignupMix.NAME)
        .setPassword(SignupMix.PASSWORD)
        .setRegion(details.region())
        .setDevice(ProtoValues.deviceType(details.device()))
        .build();
  }

  @Override
  public String classify(Throwable failure) {
    return Status.fromThrowable(failure).getCode().name();
  }

  /**
   * RESOURCE_EXHAUSTED: the orchestrator refused the sign-up before writing anything (past
   * {@code --max-in-flight}), or a participant refused it as busy. The wait is the one its
   * {@code google.rpc.RetryInfo} asks for, as gRPC's retry pushback honours it.
   */
  @Override
  public Optional<Duration> refusal(Throwable failure) {
    if (Status.fromThrowable(failure).getCode() != Status.Code.RESOURCE_EXHAUSTED) {
      return Optional.empty();
    }
    return Optional.of(retryDelay(failure).orElse(DEFAULT_RETRY_WAIT))
        .map(wait -> wait.isNegative() ? Duration.ZERO
            : wait.compareTo(LONGEST_RETRY_WAIT) > 0 ? LONGEST_RETRY_WAIT : wait);
  }

  /** DEADLINE_EXCEEDED, or any answer that came later than the deadline and its tolerance. */
  @Override
  public boolean late(Throwable failure, long latencyNanos) {
    return (failure != null
        && Status.fromThrowable(failure).getCode() == Status.Code.DEADLINE_EXCEEDED)
        || latencyNanos > deadline.plus(LATE_TOLERANCE).toNanos();
  }

  /** The delay a {@code google.rpc.RetryInfo} in the failure's details asks for. */
  static Optional<Duration> retryDelay(Throwable failure) {
    com.google.rpc.Status status = StatusProto.fromThrowable(failure);
    if (status == null) {
      return Optional.empty();
    }
    for (Any detail : status.getDetailsList()) {
      if (detail.is(RetryInfo.class)) {
        try {
          com.google.protobuf.Duration delay = detail.unpack(RetryInfo.class).getRetryDelay();
          return Optional.of(Duration.ofSeconds(delay.getSeconds(), delay.getNanos()));
        } catch (InvalidProtocolBufferException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
