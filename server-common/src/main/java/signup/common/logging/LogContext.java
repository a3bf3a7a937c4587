package signup.common.logging;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.MDC;

/**
 * The logging context (SLF4J's MDC) a piece of work was started in, carried to the threads that
 * go on with it. A sign-up hops threads at every step (the database writer commits it, a
 * transport thread delivers a reply, a pool hashes or aborts, a timer retries), and the MDC is
 * per thread: without this, {@code txn_id} and {@code trace_id} stayed on the thread that put
 * them there and the lines written on the others had neither. One mechanism for every hop:
 * capture the context where the work is handed over ({@link #current()}), and enter it where the
 * work, or the completion of its future, runs ({@link #enter()}, {@link #carry}, the
 * {@code carrying} executors), putting back whatever the thread had before.
 */
public final class LogContext {
  /** The sign-up's id in the log (the {@code signup_id} a caller sees). */
  public static final String TXN_ID = "txn_id";
  /** The id of the trace the line belongs to (W3C trace-id, 32 hex digits). */
  public static final String TRACE_ID = "trace_id";

  private static final LogContext EMPTY = new LogContext(null);

  /** Null when empty. */
  private final Map<String, String> entries;

  private LogContext(Map<String, String> entries) {
    this.entries = entries;
  }

  /** The calling thread's MDC, now. */
  public static LogContext current() {
    Map<String, String> copy = MDC.getCopyOfContextMap();
    return copy == null || copy.isEmpty() ? EMPTY : new LogContext(copy);
  }

  /** A scope that puts back what it changed once closed; never throws. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    Scope NOTHING = () -> {};

    @Override
    void close();
  }

  /**
   * Makes this the calling thread's whole MDC (nothing else of it stays) until the scope is
   * closed, then puts back what the thread had.
   */
  public Scope enter() {
    Map<String, String> previous = MDC.getCopyOfContextMap();
    boolean hadNothing = previous == null || previous.isEmpty();
    if (entries == null) {
      if (hadNothing) {
        return Scope.NOTHING; // the usual case on a pool's thread: nothing to do, nor to undo
      }
      MDC.clear();
    } else {
      MDC.setContextMap(entries);
    }
    return hadNothing ? MDC::clear : () -> MDC.setContextMap(previous);
  }

  /** {@code task} running in this context, on whichever thread runs it. */
  public Runnable wrap(Runnable task) {
    return () -> {
      try (Scope scope = enter()) {
        task.run();
      }
    };
  }

  /** {@code task} running in this context, on whichever thread calls it. */
  public <T> Callable<T> wrap(Callable<T> task) {
    return () -> {
      try (Scope scope = enter()) {
        return task.call();
      }
    };
  }

  /**
   * A future that completes as {@code source} does, in this context: what is chained to it runs
   * with this MDC, on whichever thread completes {@code source} (a chain that would otherwise
   * run with the completing thread's MDC, a writer's or a transport's).
   */
  public <T> CompletableFuture<T> carry(CompletableFuture<T> source) {
    CompletableFuture<T> carried = new CompletableFuture<>();
    source.whenComplete((value, failure) -> {
      try (Scope scope = enter()) {
        if (failure == null) {
          carried.complete(value);
        } else {
          carried.completeExceptionally(failure);
        }
      }
    });
    return carried;
  }

  /**
   * Puts {@code key=value} in the calling thread's MDC until the scope is closed, then puts back
   * what the key held; a null value takes the key out meanwhile (a step of a sign-up with no
   * trace must not show the trace of the thread's last one).
   */
  public static Scope with(String key, String value) {
    String previous = MDC.get(key);
    if (value == null) {
      if (previous == null) {
        return Scope.NOTHING;
      }
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
    return previous == null ? () -> MDC.remove(key) : () -> MDC.put(key, previous);
  }

  /** A sign-up's ids in the MDC until closed: its txn_id, and its trace_id (null: none). */
  public static Scope withTxn(String txnId, String traceId) {
    Scope txn = with(TXN_ID, txnId);
    Scope trace = with(TRACE_ID, traceId);
    return () -> {
      trace.close();
      txn.close();
    };
  }

  /** {@code executor} running each task in the context of whoever handed it over. */
  public static Executor carrying(Executor executor) {
    return task -> executor.execute(current().wrap(task));
  }

  /** {@code pool} running each task in the context of whoever submitted it. */
  public static ExecutorService carrying(ExecutorService pool) {
    return new CarryingExecutorService(pool);
  }

  /**
   * {@code scheduler} firing each timer (each run of a periodic one too) in the context of
   * whoever set it.
   */
  public static ScheduledExecutorService carrying(ScheduledExecutorService scheduler) {
    return new CarryingScheduler(scheduler);
  }
}
