package signup.orchestrator.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.MethodDescriptor;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import signup.common.domain.Completions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import signup.common.domain.SignupFields;
import signup.common.domain.Violations;
import signup.common.grpc.NonBlockingService;
import signup.common.grpc.ProtoValues;
import signup.common.grpc.Replies;
import signup.orchestrator.domain.SignupCoordinator;
import signup.orchestrator.domain.SignupPendingException;
import signup.orchestrator.domain.SignupRecord;
import signup.orchestrator.domain.SignupRequest;
import signup.orchestrator.v1.GetSignupRequest;
import signup.orchestrator.v1.SignupResponse;
import signup.orchestrator.v1.SignupServiceGrpc;
import signup.orchestrator.v1.SignupStatus;

/**
 * The public sign-up API: parse, hand to the coordinator, map the record back. {@code Signup}
 * never blocks (it starts the sign-up and answers when it ends), so it runs on the transport
 * thread; {@code GetSignup} reads the log and runs on the server's pool.
 */
public final class SignupServiceImpl extends SignupServiceGrpc.SignupServiceImplBase
    implements NonBlockingService {
  private final SignupCoordinator coordinator;
  private final Runnable pendingReply;

  public SignupServiceImpl(SignupCoordinator coordinator) {
    this(coordinator, () -> {});
  }

  /** @param pendingReply run for each reply that says "committed, not confirmed yet" */
  public SignupServiceImpl(SignupCoordinator coordinator, Runnable pendingReply) {
    this.coordinator = coordinator;
    this.pendingReply = pendingReply;
  }

  @Override
  public void signup(signup.orchestrator.v1.SignupRequest request,
      StreamObserver<SignupResponse> responses) {
    SignupRequest valid = SignupRequest.validate(request.getRequestId(), request.getEmail(),
        request.getName(), request.getPassword(), request.getRegion(),
        ProtoValues.device(request.getDevice()));
    // Read before the context is left behind: a call too short to be served (a 1 ms deadline,
    // or a caller already gone) is refused by the coordinator without starting.
    Optional<Duration> timeLeft = timeLeft(Context.current());
    // The caller's deadline and cancellation stop here. Inherited, they would cancel the calls
    // to the participants the moment the caller stops waiting, and so abort a sign-up nothing
    // was wrong with (or leave its confirms to recovery). Detached, it runs to its outcome under
    // the protocol's own deadlines, and a retry with the same request_id finds that outcome.
    // The handler returns at once; the reply is sent by whichever thread finishes the sign-up.
    Context detached = Context.current().fork();
    Context previous = detached.attach();
    try {
      CompletableFuture<SignupRecord> outcome = coordinator.start(valid, timeLeft);
      outcome.whenComplete((done, failure) -> {
        if (failure != null && Completions.cause(failure) instanceof SignupPendingException) {
          pendingReply.run();
        }
      });
      Replies.when(outcome, SignupMessages::response, responses);
    } finally {
      detached.detach(previous);
    }
  }

  /** Until the call's deadline (none left once it is cancelled); empty without a deadline. */
  private static Optional<Duration> timeLeft(Context call) {
    if (call.isCancelled()) {
      return Optional.of(Duration.ZERO);
    }
    Deadline deadline = call.getDeadline();
    return deadline == null ? Optional.empty()
        : Optional.of(Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS)));
  }

  @Override
  public boolean nonBlocking(MethodDescriptor<?, ?> method) {
    return method.getFullMethodName()
        .equals(SignupServiceGrpc.getSignupMethod().getFullMethodName());
  }

  @Override
  public void getSignup(GetSignupRequest request, StreamObserver<SignupStatus> responses) {
    Violations violations = new Violations();
    SignupRecord record;
    switch (request.getKeyCase()) {
      case SIGNUP_ID -> {
        SignupFields.checkId(violations, "signup_id", request.getSignupId());
        violations.throwIfAny();
        record = coordinator.get(request.getSignupId());
      }
      case REQUEST_ID -> {
        SignupFields.checkId(violations, "request_id", request.getRequestId());
        violations.throwIfAny();
        record = coordinator.getByRequestId(request.getRequestId());
      }
      default -> {
        // The oneof is what is missing, not one of its fields.
        violations.add("key", "is required (signup_id or request_id)").throwIfAny();
        return;
      }
    }
    responses.onNext(SignupMessages.status(record));
    responses.onCompleted();
  }
}
