package signup.orchestrator.grpc;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.stub.AbstractStub;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import signup.orchestrator.domain.Participant;

/**
 * What both participant clients share, over their own generated stub type: replies delivered
 * on the transport thread, every call with its deadline, and the second phase, whose Confirm
 * and Cancel are the same idempotent calls on both participants, given here as the stub's
 * methods. A client adds its Reserve.
 *
 * @param <S> the participant's future stub
 * @param <C> its Confirm's reply
 */
abstract class ParticipantClient<S extends AbstractStub<S>, C> implements Participant {
  private final String name;
  private final S stub;
  private final Duration reserveDeadline;
  private final Duration callDeadline;
  private final BiFunction<S, String, ListenableFuture<C>> confirm;
  private final Function<C, Optional<Instant>> confirmedUpdatedAt;
  private final BiFunction<S, String, ListenableFuture<?>> cancel;

  /**
   * @param confirm sends the participant's Confirm of a txn_id on the stub given
   * @param confirmedUpdatedAt what {@link Participant#confirm} answers, read from its reply
   * @param cancel sends its Cancel
   */
  ParticipantClient(String name, S stub, Duration reserveDeadline, Duration callDeadline,
      BiFunction<S, String, ListenableFuture<C>> confirm,
      Function<C, Optional<Instant>> confirmedUpdatedAt,
      BiFunction<S, String, ListenableFuture<?>> cancel) {
    this.name = name;
    this.stub = ParticipantCalls.repliesOnTransportThread(stub);
    this.reserveDeadline = reserveDeadline;
    this.callDeadline = callDeadline;
    this.confirm = confirm;
    this.confirmedUpdatedAt = confirmedUpdatedAt;
    this.cancel = cancel;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CompletableFuture<Optional<Instant>> confirm(String txnId) {
    return call(callDeadline, s -> confirm.apply(s, txnId), confirmedUpdatedAt);
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

  private <R, T> CompletableFuture<T> call(Duration deadline,
      Function<S, ListenableFuture<R>> send, Function<R, T> convert) {
    return ParticipantCalls.call(name,
        send.apply(stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)), convert);
  }
}
