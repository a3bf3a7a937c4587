package signup.orchestrator.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.MDC;
import signup.common.tracing.Tracing;

/**
 * The trace each running sign-up belongs to, by txn_id. A sign-up's steps run on whichever
 * thread finished the step before (the log's writer, a reply's transport thread), where the
 * Signup call's context is not current; the coordinator knows nothing of traces, so the
 * adapters around it (the log, the participants) find the context here by the txn_id every one
 * of their calls carries. Kept from the TRYING write to DONE or ABORTED, and at most
 * {@value #MOST} at once (the oldest forgotten first: a sign-up left to recovery for long).
 */
public final class TxnTraces {
  static final String TXN_ID = "txn_id";
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
    synchronized (contexts) {
      contexts.remove(txnId);
    }
  }

  private Context contextOf(String txnId) {
    synchronized (contexts) {
      Context remembered = contexts.get(txnId);
      return remembered != null ? remembered : Context.current();
    }
  }

  /**
   * Runs {@code step} in a span named {@code name}, a child of the sign-up's trace, with the
   * txn_id as an attribute and in the MDC; the span ends when the step's future does. Without
   * a trace to join, the step runs as it is.
   */
  <T> CompletableFuture<T> step(String txnId, String name,
      Supplier<CompletableFuture<T>> step) {
    Context parent = contextOf(txnId);
    if (!Span.fromContext(parent).getSpanContext().isValid()) {
      return step.get();
    }
    Span span = tracing.tracer().spanBuilder(name).setParent(parent)
        .setAttribute(TXN_ID, txnId).startSpan();
    CompletableFuture<T> result;
    String previous = MDC.get(TXN_ID);
    MDC.put(TXN_ID, txnId);
    try (Scope scope = parent.with(span).makeCurrent()) {
      result = step.get();
    } catch (RuntimeException | Error e) {
      span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
      span.end();
      throw e;
    } finally {
      if (previous == null) {
        MDC.remove(TXN_ID);
      } else {
        MDC.put(TXN_ID, previous);
      }
    }
    result.whenComplete((value, failure) -> {
      if (failure != null) {
        span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
      }
      span.end();
    });
    return result;
  }

  /** {@link #step} for a step that answers at once. */
  <T> T stepNow(String txnId, String name, Supplier<T> step) {
    return step(txnId, name, () -> CompletableFuture.completedFuture(step.get())).join();
  }
}
