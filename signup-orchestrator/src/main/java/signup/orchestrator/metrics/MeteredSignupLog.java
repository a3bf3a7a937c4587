package signup.orchestrator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import signup.orchestrator.domain.FailureKind;
import signup.orchestrator.domain.SignupLog;
import signup.orchestrator.domain.SignupRecord;
import signup.orchestrator.domain.SignupState;
import signup.orchestrator.domain.SubscriptionReservation;

/**
 * The log, counting sign-ups as their rows change state: begun, DONE, and aborted by reason.
 * Counted here rather than where the requests are answered, so that each sign-up counts once
 * whoever finishes it (its request, recovery, a participant's ResolveTransaction) and a replayed
 * request_id does not count again.
 */
public final class MeteredSignupLog implements SignupLog {
  private final SignupLog log;
  private final Counter started;
  private final Counter completed;
  private final Map<FailureKind, Counter> aborted = new EnumMap<>(FailureKind.class);

  public MeteredSignupLog(SignupLog log, MeterRegistry registry) {
    this.log = log;
    started = Counter.builder("signup.started")
        .description("Sign-ups begun: a TRYING row written (a replayed request_id is not one)")
        .register(registry);
    completed = Counter.builder("signup.completed")
        .description("Sign-ups DONE: both participants confirmed")
        .register(registry);
    for (FailureKind kind : FailureKind.values()) {
      aborted.put(kind, Counter.builder("signup.aborted")
          .description("Sign-ups decided aborted, by reason (the failure the caller is told)")
          .tag("reason", kind.name())
          .register(registry));
    }
  }

  @Override
  public CompletableFuture<Optional<SignupRecord>> insertTrying(SignupRecord record) {
    return log.insertTrying(record).thenApply(earlier -> {
      if (earlier.isEmpty()) {
        started.increment();
      }
      return earlier;
    });
  }

  @Override
  public Optional<SignupRecord> find(String txnId) {
    return log.find(txnId);
  }

  @Override
  public Optional<SignupRecord> findByRequestId(String requestId) {
    return log.findByRequestId(requestId);
  }

  @Override
  public CompletableFuture<Boolean> markCommitting(String txnId, Instant clientCreatedAt,
      SubscriptionReservation subscription, Instant now, Instant claimUntil) {
    return log.markCommitting(txnId, clientCreatedAt, subscription, now, claimUntil);
  }

  @Override
  public CompletableFuture<Boolean> markDone(String txnId, Instant now,
      Instant subscriptionUpdatedAt) {
    return log.markDone(txnId, now, subscriptionUpdatedAt).thenApply(moved -> {
      if (moved) {
        completed.increment(); // once, whoever (request or recovery) wrote it
      }
      return moved;
    });
  }

  @Override
  public boolean markAborting(String txnId, FailureKind kind, String message, Instant now) {
    boolean decided = log.markAborting(txnId, kind, message, now);
    if (decided) {
      aborted.get(kind).increment();
    }
    return decided;
  }

  @Override
  public boolean markAborted(String txnId, Instant now) {
    return log.markAborted(txnId, now);
  }

  @Override
  public boolean resolveCommitted(String txnId, Instant now) {
    // Rare (a participant's reservation outlived its TTL): one read more to tell whether this
    // call is what aborted it.
    boolean wasTrying = log.find(txnId).map(r -> r.state() == SignupState.TRYING).orElse(false);
    boolean commit = log.resolveCommitted(txnId, now);
    if (wasTrying && !commit) {
      aborted.get(FailureKind.DEADLINE_EXCEEDED).increment();
    }
    return commit;
  }

  @Override
  public List<SignupRecord> claimForRecovery(Instant now, Instant decidedBefore,
      Instant claimUntil, int limit) {
    return log.claimForRecovery(now, decidedBefore, claimUntil, limit);
  }

  @Override
  public int purgeFinishedBefore(Instant cutoff, int limit) {
    return log.purgeFinishedBefore(cutoff, limit);
  }
}
