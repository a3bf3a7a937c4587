package signup.orchestrator.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;
import signup.orchestrator.domain.FailureKind;
import signup.orchestrator.domain.ParticipantException;

class ParticipantCallsTest {
  @Test
  void aConnectionDroppedMidCallIsAnUnavailableParticipantNotAnInternalError() {
    // What grpc-java reports when the participant's process dies while the call is open.
    Status dropped = Status.UNKNOWN.withDescription("channel closed")
        .withCause(new ClosedChannelException());

    ParticipantException failure = ParticipantCalls.classify("client-server", dropped, null);

    assertEquals(FailureKind.UNAVAILABLE, failure.kind());
    assertTrue(failure.retryable(), "confirm and cancel are retried after it");
    assertEquals("client-server is unavailable: channel closed", failure.getMessage());
  }

  @Test
  void aDefiniteRefusalIsFinal() {
    ParticipantException failure = ParticipantCalls.classify("client-server",
        Status.ALREADY_EXISTS.withDescription("email already registered"), null);

    assertEquals(FailureKind.ALREADY_EXISTS, failure.kind());
    assertFalse(failure.retryable());
  }

  @Test
  void aParticipantOutOfSpaceIsPassedOnAsResourceExhaustedWithItsReason() {
    ParticipantException failure = ParticipantCalls.classify("client-server",
        Status.RESOURCE_EXHAUSTED.withDescription("the client database is out of disk space: "
            + "nothing was written; try again later"), null);

    assertEquals(FailureKind.RESOURCE_EXHAUSTED, failure.kind());
    assertTrue(failure.retryable(), "confirm and cancel are retried after it");
    assertEquals("client-server: the client database is out of disk space: nothing was "
        + "written; try again later", failure.getMessage());
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, OrchestratorStatusMapper.codeOf(failure.kind()));
  }
}
