package signup.orchestrator.domain;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

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
  void anOutageIsLoggedOnceWhenItStartsAndOnceWhenItEndsHoweverManyTrialCallsFail() {
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    Logger downLog = (Logger) LoggerFactory.getLogger(DownParticipants.class);
    downLog.addAppender(lines);
    try {
      for (int i = 0; i < DownParticipants.FAILURES; i++) {
        down.call(participant, p -> CompletableFuture.failedFuture(FakeParticipants.unavailable()));
      }
      // Down again three times: trial calls let through once it has been down a while, all
      // failing, until it counts as down again.
      for (int reopened = 0; reopened < 3; reopened++) {
        await().atMost(Duration.ofSeconds(5)).until(() -> !sent(
            CompletableFuture.failedFuture(FakeParticipants.unavailable())));
        assertTrue(down.isDown(participant));
        await().atMost(Duration.ofSeconds(5)).until(() -> sent(
            CompletableFuture.failedFuture(FakeParticipants.unavailable())));
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> sent(
          CompletableFuture.completedFuture(Optional.empty())));
      assertFalse(down.isDown(participant));

      List<String> logged = lines.list.stream()
          .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
      assertEquals(2, logged.size(), logged.toString());
      assertTrue(logged.get(0).startsWith("WARN client-server is down"), logged.toString());
      assertEquals("INFO client-server answers again", logged.get(1));
    } finally {
      downLog.detachAppender(lines);
    }
  }

  /** Whether a call answering {@code answer} was let through to the participant. */
  private boolean sent(CompletableFuture<Optional<Instant>> answer) {
    AtomicBoolean sent = new AtomicBoolean();
    down.call(participant, p -> {
      sent.set(true);
      return answer;
    });
    return sent.get();
  }

  @Test
  void soManyFailedCallsInARowMakeTheParticipantDown() {
    for (int i = 0; i < DownParticipants.FAILURES; i++) {
      down.call(participant, p -> CompletableFuture.failedFuture(FakeParticipants.unavailable()));
    }

    assertTrue(down.isDown(participant));
  }
}
