package signup.orchestrator.tracing;

import io.opentelemetry.api.trace.Span;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import signup.orchestrator.domain.FailureKind;
import signup.orchestrator.domain.SignupLog;
import signup.orchestrator.domain.SignupRecord;
import signup.orchestrator.domain.SubscriptionReservation;

/**
 * The log, each write in its sign-up's logging context (txn_id, trace_id) and, with traces on, a
 * span of its trace ("signup_log TRYING", "... COMMITTING", ...). The TRYING write is where a
 * sign-up's trace is remembered (it runs on the Signup call's thread, in its span, which gets the
 * txn_id and request_id); DONE and ABORTED forget it.
 */
public final class TracedSignupLog implements SignupLog {
  private final SignupLog log;
  private final TxnTraces traces;

  public TracedSignupLog(SignupLog log, TxnTraces traces) {
    this.log = log;
    this.traces = traces;
  }

  @Override
  public CompletableFuture<Optional<SignupRecord>> insertTrying(SignupRecord record) {
    Span call = Span.current();
    call.setAttribute(TxnTraces.TXN_ID, record.txnId());
    if (!record.requestId().isEmpty()) {
      call.setAttribute("request_id", record.requestId());
    }
    traces.begin(record.txnId());
    return traces.step(record.txnId(), "signup_log TRYING", () -> log.insertTrying(record))
        .thenApply(earlier -> {
          if (earlier.isPresent()) {
            traces.end(record.txnId()); // a replay: the earlier sign-up answers
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
    return traces.step(txnId, "signup_log COMMITTING",
        () -> log.markCommitting(txnId, clientCreatedAt, subscription, now, claimUntil));
  }

  @Override
  public CompletableFuture<Boolean> markDone(String txnId, Instant now,
      Instant subscriptionUpdatedAt) {
    return traces.step(txnId, "signup_log DONE", () -> log.markDone(txnId, now, subscriptionUpdatedAt))
        .whenComplete((done, failure) -> traces.end(txnId));
  }

  @Override
  public boolean markAborting(String txnId, FailureKind kind, String message, Instant now) {
    return traces.stepNow(txnId, "signup_log ABORTING",
        () -> log.markAborting(txnId, kind, message, now));
  }

  @Override
  public boolean markAborted(String txnId, Instant now) {
    try {
      return traces.stepNow(txnId, "signup_log ABORTED", () -> log.markAborted(txnId, now));
    } finally {
      traces.end(txnId);
    }
  }

  @Override
  public boolean resolveCommitted(String txnId, Instant now) {
    return traces.stepNow(txnId, "signup_log resolve", () -> log.resolveCommitted(txnId, now));
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
