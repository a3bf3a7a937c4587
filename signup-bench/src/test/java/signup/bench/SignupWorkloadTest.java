package signup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.RetryInfo;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the bench's caller reads the orchestrator's answers: refusals, their hint, lateness. */
class SignupWorkloadTest {
  /** Never connected: these tests only classify answers. */
  private final ManagedChannel channel = ManagedChannelBuilder.forTarget("127.0.0.1:1")
      .usePlaintext().build();
  private final SignupWorkload workload = new SignupWorkload(channel, Duration.ofSeconds(2),
      "test", new AtomicLong());

  @AfterEach
  void close() {
    channel.shutdownNow();
  }

  /** RESOURCE_EXHAUSTED with a RetryInfo, as the orchestrator refuses past --max-in-flight. */
  private static StatusRuntimeException refusedWithHint(Duration wait) {
    return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
        .setCode(Status.Code.RESOURCE_EXHAUSTED.value())
        .setMessage("the orchestrator has 256 sign-ups in flight")
        .addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(
            com.google.protobuf.Duration.newBuilder().setSeconds(wait.getSeconds())
                .setNanos(wait.getNano())).build()))
        .build());
  }

  @Test
  void aRefusalIsWaitedOutForAsLongAsItsRetryInfoAsks() {
    assertEquals(Optional.of(Duration.ofMillis(250)),
        workload.refusal(refusedWithHint(Duration.ofMillis(250))));
  }

  @Test
  void aRefusalWithoutAHintWaitsTheDefaultAndAnAbsurdHintIsCapped() {
    assertEquals(Optional.of(SignupWorkload.DEFAULT_RETRY_WAIT),
        workload.refusal(Status.RESOURCE_EXHAUSTED.asRuntimeException()));
    assertEquals(Optional.of(Duration.ofSeconds(5)),
        workload.refusal(refusedWithHint(Duration.ofHours(1))));
  }

  @Test
  void otherFailuresAreNoRefusal() {
    assertEquals(Optional.empty(), workload.refusal(Status.UNAVAILABLE.asRuntimeException()));
    assertEquals(Optional.empty(),
        workload.refusal(Status.DEADLINE_EXCEEDED.asRuntimeException()));
  }

  @Test
  void deadlineExceededAndAnyAnswerPastTheDeadlineAndItsToleranceAreLate() {
    long deadline = Duration.ofSeconds(2).toNanos();
    long tolerance = SignupWorkload.LATE_TOLERANCE.toNanos();

    assertTrue(workload.late(Status.DEADLINE_EXCEEDED.asRuntimeException(), 1_000));
    assertTrue(workload.late(null, deadline + tolerance + 1));
    assertFalse(workload.late(null, deadline + tolerance));
    assertFalse(workload.late(Status.RESOURCE_EXHAUSTED.asRuntimeException(), 1_000));
  }
}
