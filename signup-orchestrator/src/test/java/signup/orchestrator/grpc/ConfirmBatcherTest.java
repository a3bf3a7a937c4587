package signup.orchestrator.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The grouping of confirms into calls, with calls whose answers the test gives by hand. */
class ConfirmBatcherTest {
  /** The calls sent, each with the answers the test completes. */
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<Integer> sizes = new CopyOnWriteArrayList<>();

  private record Call(List<String> txnIds, List<CompletableFuture<String>> answers) {
    void answerAll() {
      for (int i = 0; i < txnIds.size(); i++) {
        answers.get(i).complete("confirmed " + txnIds.get(i));
      }
    }
  }

  private ConfirmBatcher<String> batcher(int maxBatch) {
    return new ConfirmBatcher<>(maxBatch, txnIds -> {
      Call call = new Call(txnIds, txnIds.stream()
          .map(txnId -> new CompletableFuture<String>()).toList());
      calls.add(call);
      return call.answers();
    }, sizes::add);
  }

  @Test
  void aLoneConfirmLeavesAtOnceWithoutWaitingForCompany() {
    ConfirmBatcher<String> batcher = batcher(256);

    CompletableFuture<String> answer = batcher.confirm("t1");

    assertEquals(1, calls.size());
    assertEquals(List.of("t1"), calls.get(0).txnIds());
    calls.get(0).answerAll();
    assertEquals("confirmed t1", answer.join());
  }

  @Test
  void confirmsThatComeWhileACallIsOutLeaveTogetherWhenItReturns() {
    ConfirmBatcher<String> batcher = batcher(256);
    CompletableFuture<String> first = batcher.confirm("t1");
    List<CompletableFuture<String>> waiting = new ArrayList<>();
    for (String txnId : List.of("t2", "t3", "t4")) {
      waiting.add(batcher.confirm(txnId));
    }

    assertEquals(1, calls.size(), "nothing leaves while the first call is out");
    calls.get(0).answerAll();

    assertEquals("confirmed t1", first.join());
    assertEquals(2, calls.size());
    assertEquals(List.of("t2", "t3", "t4"), calls.get(1).txnIds());
    assertFalse(waiting.get(0).isDone());
    calls.get(1).answerAll();
    assertEquals(List.of("confirmed t2", "confirmed t3", "confirmed t4"),
        waiting.stream().map(CompletableFuture::join).toList());
    assertEquals(List.of(1, 3), sizes);

    batcher.confirm("t5");
    assertEquals(List.of("t5"), calls.get(2).txnIds(), "once idle, a confirm leaves at once");
  }

  @Test
  void aCallCarriesAtMostItsBoundAndTheRestLeaveWithTheNext() {
    ConfirmBatcher<String> batcher = batcher(2);
    batcher.confirm("t0");
    IntStream.rangeClosed(1, 5).forEach(i -> batcher.confirm("t" + i));

    calls.get(0).answerAll();
    assertEquals(List.of("t1", "t2"), calls.get(1).txnIds());
    calls.get(1).answerAll();
    assertEquals(List.of("t3", "t4"), calls.get(2).txnIds());
    calls.get(2).answerAll();
    assertEquals(List.of("t5"), calls.get(3).txnIds());
  }

  @Test
  void aTxnRefusedWithinACallFailsAloneAndAFailedCallDoesNotStopTheNext() {
    ConfirmBatcher<String> batcher = batcher(256);
    batcher.confirm("t0");
    CompletableFuture<String> refused = batcher.confirm("t1");
    CompletableFuture<String> confirmed = batcher.confirm("t2");
    calls.get(0).answerAll();

    RuntimeException cancelled = new IllegalStateException("t1 was cancelled");
    calls.get(1).answers().get(0).completeExceptionally(cancelled);
    assertEquals(2, calls.size(), "the call is out until every txn is answered");
    calls.get(1).answers().get(1).complete("confirmed t2");

    assertSame(cancelled, failureOf(refused));
    assertEquals("confirmed t2", confirmed.join());
    CompletableFuture<String> next = batcher.confirm("t3");
    assertEquals(List.of("t3"), calls.get(2).txnIds());
    calls.get(2).answers().get(0).completeExceptionally(new IllegalStateException("lost"));
    assertTrue(next.isCompletedExceptionally());
    batcher.confirm("t4");
    assertEquals(List.of("t4"), calls.get(3).txnIds(), "a failed call leaves the way free");
  }

  @Test
  void aCallThatCannotBeSentFailsItsTxnsAndTheConfirmsAfterItStillLeave() {
    List<List<String>> sent = new CopyOnWriteArrayList<>();
    ConfirmBatcher<String> batcher = new ConfirmBatcher<>(256, txnIds -> {
      sent.add(txnIds);
      if (txnIds.contains("bad")) {
        throw new IllegalStateException("the channel is shut down");
      }
      return txnIds.stream().map(txnId -> CompletableFuture.completedFuture("ok " + txnId))
          .toList();
    }, size -> { });

    CompletableFuture<String> bad = batcher.confirm("bad");
    CompletableFuture<String> good = batcher.confirm("good");

    assertEquals("the channel is shut down", failureOf(bad).getMessage());
    assertEquals("ok good", good.join());
    assertEquals(List.of(List.of("bad"), List.of("good")), sent);
  }

  private static Throwable failureOf(CompletableFuture<?> future) {
    try {
      future.join();
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("completed normally");
  }
}
