package signup.orchestrator.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import signup.common.logging.LogContext;
import signup.common.tracing.Tracing;
import signup.orchestrator.domain.TxnLogContext;

/**
 * The trace and the logging context each running sign-up belongs to, by txn_id. A sign-up's
 * steps run on whichever thread finished the step before (the log's writer, a reply's transport
 * thread, a retry's timer), where neither the Signup call's trace nor its MDC is current; the
 * coordinator knows nothing of traces, so the adapters around it (the log, the participants)
 * find them here by the txn_id every one of their calls carries. Each step runs with the txn_id
 * and trace_id in the MDC, and what is chained to its future runs so too ({@link LogContext}):
 * on or off, every line a sign-up's steps write carries its txn_id. Traces are kept from the
 * TRYING write to DONE or ABORTED, and at most {@value #MOST} at once (the oldest forgotten
 * first: a sign-up left to recovery for long).
 */
public final class TxnTraces implements TxnLogContext {
  static final String TXN_ID = LogContext.TXN_ID;
  private static final int MOST = 10_000;

  private final Tracing tracing;
  private final Map<String, Context> contexts = new LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Context> eldest) {
      return size() > MOST;
    }
  };

  public TxnTraces(Tracing tracing) {
    this.tracing = tracing;
  }

  Tracing tracing() {
    return tracing;
  }

  /** Remembers the current context for {@code txnId}, if it has a span. */
  void begin(String txnId) {
    Context current = Context.current();
    if (Span.fromContext(current).getSpanContext().isValid()) {
      synchronized (contexts) {
        contexts.put(txnId, current);
      }
    }
  }

  void end(String txnId) {
    if (!tracing.enabled()) {
      return; // nothing was remembered
    }
    synchronized (contexts) {
      contexts.remove(txnId);
    }
  }

  /** The sign-up's remembered context, else the current one; the current one when off. */
  private Context contextOf(String txnId) {
    if (!tracing.enabled()) {
      return Context.current();
    }
    synchronized (contexts) {
      Context remembered = contexts.get(txnId);
      return remembered != null ? remembered : Context.current();
    }
  }

  private static String traceIdOf(Context context) {
    SpanContext span = Span.fromContext(context).getSpanContext();
    return span.isValid() ? span.getTraceId() : null;
  }

  /** The txn_id, and the trace_id of the sign-up's trace when it is remembered. */
  @Override
  public LogContext.Scope enter(String txnId) {
    Context remembered = null;
    if (tracing.enabled()) {
      synchronized (contexts) {
        remembered = contexts.get(txnId);
      }
    }
    return LogContext.withTxn(txnId, remembered == null ? null : traceIdOf(remembered));
  }

  /**
   * Runs {@code step} with the txn_id (and the trace_id of the trace it joins) in the MDC, and
   * returns its future so that what is chained to it runs with them too. With a trace to join:
   * in a span named {@code name}, a child of the sign-up's trace, with the txn_id as an
   * attribute, ended when the step's future is.
   */
  <T> CompletableFuture<T> step(String txnId, String name,
      Supplier<CompletableFuture<T>> step) {
    Context parent = contextOf(txnId);
    String traceId = traceIdOf(parent);
    try (LogContext.Scope ids = LogContext.withTxn(txnId, traceId)) {
      LogContext logContext = LogContext.current();
      if (traceId == null) {
        return logContext.carry(step.get());
      }
      Span span = tracing.tracer().spanBuilder(name).setParent(parent)
          .setAttribute(TXN_ID, txnId).startSpan();
      CompletableFuture<T> result;
      try (Scope scope = parent.with(span).makeCurrent()) {
        result = step.get();
      } catch (RuntimeException | Error e) {
        span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
        span.end();
        throw e;
      }
      result.whenComplete((value, failure) -> {
        if (failure != null) {
          span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        }
        span.end();
      });
      return logContext.carry(result);
    }
  }

  /** {@link #step} for a step that answers at once. */
  <T> T stepNow(String txnId, String name, Supplier<T> step) {
    return step(txnId, name, () -> CompletableFuture.completedFuture(step.get())).join();
  }
}
