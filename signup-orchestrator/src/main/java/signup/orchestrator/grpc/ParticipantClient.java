package signup.orchestrator.grpc;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.AbstractStub;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.domain.ConfirmBatches;
import signup.orchestrator.domain.FailureKind;
import signup.orchestrator.domain.Participant;
import signup.orchestrator.domain.ParticipantException;

/**
 * What both participant clients share, over their own generated stub type: replies delivered
 * on the transport thread, every call with its deadline, and the second phase, whose Confirm,
 * ConfirmBatch and Cancel are the same idempotent calls on both participants, given here as the
 * stub's methods. A client adds its Reserve.
 *
 * <p>Confirms go through a {@link ConfirmBatcher}: one alone as Confirm, several that came
 * together as one ConfirmBatch. A participant older than ConfirmBatch answers it UNIMPLEMENTED
 * (a rolling upgrade): that batch's txns then go as single Confirms, and so do all confirms for
 * {@link #BATCHES_ASKED_AGAIN_AFTER}, when ConfirmBatch is tried again.
 *
 * @param <S> the participant's future stub
 * @param <C> its Confirm's reply
 * @param <B> its ConfirmBatch's reply
 */
abstract class ParticipantClient<S extends AbstractStub<S>, C, B> implements Participant {
  private static final Logger log = LoggerFactory.getLogger(ParticipantClient.class);
  /** Long enough that an older participant costs one refused call now and then, no more. */
  static final Duration BATCHES_ASKED_AGAIN_AFTER = Duration.ofSeconds(30);

  /**
   * A participant's Confirm and ConfirmBatch, as the stub's methods and readers of their
   * replies.
   *
   * @param one sends Confirm of a txn_id on the stub given
   * @param updatedAt what {@link Participant#confirm} answers, read from Confirm's reply
   * @param batch sends ConfirmBatch of txn_ids on the stub given
   * @param answers ConfirmBatch's reply, one answer per txn
   */
  record ConfirmCalls<S, C, B>(BiFunction<S, String, ListenableFuture<C>> one,
      Function<C, Optional<Instant>> updatedAt,
      BiFunction<S, List<String>, ListenableFuture<B>> batch,
      Function<B, List<BatchAnswer>> answers) {}

  /**
   * One txn of a ConfirmBatch reply.
   *
   * @param error null when confirmed
   * @param updatedAt as {@link Participant#confirm} answers it, when confirmed
   */
  record BatchAnswer(String txnId, com.google.rpc.Status error, Optional<Instant> updatedAt) {}

  private final String name;
  private final S stub;
  private final Duration reserveDeadline;
  private final Duration callDeadline;
  private final ConfirmCalls<S, C, B> confirmCalls;
  private final BiFunction<S, String, ListenableFuture<?>> cancel;
  private final ConfirmBatcher<Optional<Instant>> confirms;
  /** Until when (System.nanoTime) confirms go one by one: the participant knew no batches. */
  private volatile long singlesUntil = System.nanoTime();

  /**
   * @param cancel sends the participant's Cancel of a txn_id on the stub given
   * @param batchSizes told how many txns each confirm call carries
   */
  ParticipantClient(String name, S stub, Duration reserveDeadline, Duration callDeadline,
      ConfirmCalls<S, C, B> confirmCalls, BiFunction<S, String, ListenableFuture<?>> cancel,
      IntConsumer batchSizes) {
    this.name = name;
    this.stub = ParticipantCalls.repliesOnTransportThread(stub);
    this.reserveDeadline = reserveDeadline;
    this.callDeadline = callDeadline;
    this.confirmCalls = confirmCalls;
    this.cancel = cancel;
    this.confirms = new ConfirmBatcher<>(ConfirmBatches.MAX, this::sendConfirms, batchSizes);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CompletableFuture<Optional<Instant>> confirm(String txnId) {
    return confirms.confirm(txnId);
  }

  @Override
  public CompletableFuture<Void> cancel(String txnId) {
    return call(callDeadline, s -> cancel.apply(s, txnId), reply -> null);
  }

  /** A Reserve sent by {@code send}, its reply read by {@code convert}. */
  <R, T> CompletableFuture<T> reserve(Function<S, ListenableFuture<R>> send,
      Function<R, T> convert) {
    return call(reserveDeadline, send, convert);
  }

  /** One call for {@code txnIds}: Confirm for one, ConfirmBatch for more (if understood). */
  private List<CompletableFuture<Optional<Instant>>> sendConfirms(List<String> txnIds) {
    if (txnIds.size() == 1 || System.nanoTime() - singlesUntil < 0) {
      return txnIds.stream().map(this::confirmAlone).toList();
    }
    List<CompletableFuture<Optional<Instant>>> answers = txnIds.stream()
        .map(txnId -> new CompletableFuture<Optional<Instant>>())
        .toList();
    call(callDeadline, s -> confirmCalls.batch().apply(s, txnIds), confirmCalls.answers())
        .whenComplete((replies, failure) -> {
          if (failure == null) {
            answerEach(txnIds, replies, answers);
          } else if (unimplemented(failure)) {
            singlesUntil = System.nanoTime() + BATCHES_ASKED_AGAIN_AFTER.toNanos();
            log.info("{} does not know ConfirmBatch (an older version): confirms go one by one, "
                + "and ConfirmBatch is tried again in {} s", name,
                BATCHES_ASKED_AGAIN_AFTER.toSeconds());
            for (int i = 0; i < txnIds.size(); i++) {
              ConfirmBatcher.pass(confirmAlone(txnIds.get(i)), answers.get(i));
            }
          } else {
            answers.forEach(answer -> answer.completeExceptionally(failure));
          }
        });
    return answers;
  }

  private CompletableFuture<Optional<Instant>> confirmAlone(String txnId) {
    return call(callDeadline, s -> confirmCalls.one().apply(s, txnId), confirmCalls.updatedAt());
  }

  /** Each txn its own answer: a txn refused within the batch fails alone. */
  private void answerEach(List<String> txnIds, List<BatchAnswer> replies,
      List<CompletableFuture<Optional<Instant>>> answers) {
    Map<String, BatchAnswer> byTxn = new HashMap<>();
    replies.forEach(reply -> byTxn.putIfAbsent(reply.txnId(), reply));
    for (int i = 0; i < txnIds.size(); i++) {
      BatchAnswer reply = byTxn.get(txnIds.get(i));
      CompletableFuture<Optional<Instant>> answer = answers.get(i);
      if (reply == null) {
        // Retryable: a confirm is idempotent, and the drive asks again (in the next batch);
        // not retried, the txn would wait for recovery's next pass.
        answer.completeExceptionally(new ParticipantException(FailureKind.INTERNAL, true,
            name + " answered something unreadable: no result for a txn of its batch", null));
      } else if (reply.error() != null) {
        StatusRuntimeException refused = StatusProto.toStatusRuntimeException(reply.error());
        answer.completeExceptionally(
            ParticipantCalls.classify(name, refused.getStatus(), refused));
      } else {
        answer.complete(reply.updatedAt());
      }
    }
  }

  private static boolean unimplemented(Throwable failure) {
    return failure instanceof ParticipantException refused && refused.getCause() != null
        && Status.fromThrowable(refused.getCause()).getCode() == Status.Code.UNIMPLEMENTED;
  }

  private <R, T> CompletableFuture<T> call(Duration deadline,
      Function<S, ListenableFuture<R>> send, Function<R, T> convert) {
    return ParticipantCalls.call(name,
        send.apply(stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)), convert);
  }
}
