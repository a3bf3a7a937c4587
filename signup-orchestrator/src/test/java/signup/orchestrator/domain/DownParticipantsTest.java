package signup.orchestrator.domain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** When a participant counts as down: after so many failed calls in a row, not txns. */
class DownParticipantsTest {
  private final Participant participant = new Participant() {
    @Override
    public String name() {
      return "client-server";
    }

    @Override
    public CompletableFuture<Optional<Instant>> confirm(String txnId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> cancel(String txnId) {
      throw new UnsupportedOperationException();
    }
  };
  private final DownParticipants down = new DownParticipants(List.of(participant));

  @Test
  void theTxnsOfOneFailedBatchCallCountAsOneFailedCall() {
    // One ConfirmBatch lost: each of its txns fails with that call's one exception.
    ParticipantException lostBatch = FakeParticipants.unavailable();

    for (int i = 0; i < 3 * DownParticipants.FAILURES; i++) {
      down.call(participant, p -> CompletableFuture.failedFuture(lostBatch));
    }

    assertFalse(down.isDown(participant), "one failed call, however many txns it carried");
  }

  @Test
  void soManyFailedCallsInARowMakeTheParticipantDown() {
    for (int i = 0; i < DownParticipants.FAILURES; i++) {
      down.call(participant, p -> CompletableFuture.failedFuture(FakeParticipants.unavailable()));
    }

    assertTrue(down.isDown(participant));
  }
}
