package signup.orchestrator.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import signup.common.domain.Device;

/**
 * Participants scripted by the test: each reserve returns what the test put in, each
 * confirm/cancel is recorded and answered from a queue (success once the queue is empty).
 */
final class FakeParticipants {
  static final PlanQuote US_IOS = new PlanQuote("us-ios", "US iOS", "US", Device.IOS, 999, "USD");
  /** When the scripted subscription participant says it reserved. */
  static final Instant RESERVED_AT = Instant.parse("2030-01-01T00:00:00.123Z");

  static ParticipantException unavailable() {
    return new ParticipantException(FailureKind.UNAVAILABLE, true, "participant is unavailable",
        null);
  }

  /** A participant that does not answer: the call fails once its deadline has passed. */
  static <T> CompletableFuture<T> silentFor(Duration deadline) {
    return CompletableFuture.supplyAsync(() -> {
      throw new ParticipantException(FailureKind.DEADLINE_EXCEEDED, true,
          "participant did not answer in time", null);
    }, CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS));
  }

  static ParticipantException alreadyExists() {
    return new ParticipantException(FailureKind.ALREADY_EXISTS, false,
        "email already registered", null);
  }

  /** What the test wants one call to answer; null means success. */
  abstract static class Base implements Participant {
    final List<String> confirms = new CopyOnWriteArrayList<>();
    final List<String> cancels = new CopyOnWriteArrayList<>();
    final List<String> reserves = new CopyOnWriteArrayList<>();
    final Queue<RuntimeException> confirmFailures = new ConcurrentLinkedQueue<>();
    /** What each acknowledged confirm answers. */
    volatile Optional<Instant> confirmedUpdatedAt = Optional.empty();
    /** The answer to a confirm of a txn, when set; else from {@link #confirmFailures}. */
    volatile Function<String, CompletableFuture<Optional<Instant>>> onConfirm;
    /** Each cancel's answer; acknowledged at once unless the test says otherwise. */
    volatile Supplier<CompletableFuture<Void>> onCancel =
        () -> CompletableFuture.completedFuture(null);
    private final String name;

    Base(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public CompletableFuture<Optional<Instant>> confirm(String txnId) {
      confirms.add(txnId);
      Function<String, CompletableFuture<Optional<Instant>>> scripted = onConfirm;
      if (scripted != null) {
        return scripted.apply(txnId);
      }
      RuntimeException failure = confirmFailures.poll();
      return failure == null ? CompletableFuture.completedFuture(confirmedUpdatedAt)
          : CompletableFuture.failedFuture(failure);
    }

    @Override
    public CompletableFuture<Void> cancel(String txnId) {
      cancels.add(txnId);
      return onCancel.get();
    }
  }

  static final class Clients extends Base implements ClientParticipantPort {
    /** Called on the request thread, like the real adapter's call setup. */
    volatile Supplier<CompletableFuture<ClientReservation>> onReserve =
        () -> CompletableFuture.completedFuture(new ClientReservation("ignored", Instant.EPOCH));
    /**
     * Runs while the reserve is out, on another thread (as a participant's ResolveTransaction or
     * a recovery pass would), before the reply is delivered; null for none.
     */
    volatile Runnable duringReserve;

    Clients() {
      super("client");
    }

    @Override
    public CompletableFuture<ClientReservation> reserve(String txnId, String clientId,
        SignupRequest request) {
      reserves.add(txnId);
      Runnable meanwhile = duringReserve;
      if (meanwhile == null) {
        return onReserve.get();
      }
      return CompletableFuture.runAsync(meanwhile).thenCompose(ran -> onReserve.get());
    }
  }

  static final class Subscriptions extends Base implements SubscriptionParticipantPort {
    volatile Supplier<CompletableFuture<SubscriptionReservation>> onReserve =
        () -> CompletableFuture.completedFuture(new SubscriptionReservation("sub-1", US_IOS,
            RESERVED_AT, RESERVED_AT));

    Subscriptions() {
      super("subscription");
    }

    @Override
    public CompletableFuture<SubscriptionReservation> reserve(String txnId, String clientId,
        String region, Device device) {
      reserves.add(txnId);
      return onReserve.get();
    }
  }

  private FakeParticipants() {}
}
