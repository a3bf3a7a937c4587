package signup.common.grpc;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import signup.common.domain.DaemonThreads;

/**
 * The pool for calls of methods that block (a database read or write), bounded twice: a fixed
 * number of threads, and at most so many such calls admitted at once, running or waiting for a
 * thread. One call more is answered RESOURCE_EXHAUSTED at once, on the transport thread,
 * before it takes a thread or a place in the queue.
 *
 * <p>Admission is decided where gRPC picks a call's executor ({@link #executorFor}), the one
 * place that runs before the call reaches the pool: a pool that refused a task there would
 * reset the stream (the client would see INTERNAL). A refused call runs on the transport
 * thread and this interceptor, outermost, closes it before any handler sees it.
 */
final class BlockingCalls implements ServerInterceptor, AutoCloseable {
  /**
   * What blocks waits on the database, which has four read connections and one writer: 16
   * threads keep all five busy and leave room for a call waiting on neither.
   */
  static final int THREADS = 16;
  /**
   * A call behind 256 others waits 16 rounds of the pool, tens of milliseconds for reads; a
   * longer queue would only hold calls whose callers have given up.
   */
  static final int ADMITTED = 256;

  private final String serverName;
  private final int admittedAtMost;
  private final ThreadPoolExecutor pool;
  private final AtomicInteger admitted = new AtomicInteger();
  // The call object gRPC hands to the executor supplier is the one the outermost interceptor
  // gets: these sets carry the decision from one to the other.
  private final Set<ServerCall<?, ?>> refused = ConcurrentHashMap.newKeySet();
  private final Set<ServerCall<?, ?>> counted = ConcurrentHashMap.newKeySet();

  BlockingCalls(String serverName, int threads, int admittedAtMost) {
    this.serverName = serverName;
    this.admittedAtMost = admittedAtMost;
    // The queue can never fill: a call has at most one task queued at a time (gRPC serializes
    // a call's callbacks), and no more calls than its capacity are admitted.
    this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(admittedAtMost), DaemonThreads.numbered(serverName + "-call"));
  }

  /** The executor for a call of a blocking method: the pool when there is room. */
  Executor executorFor(ServerCall<?, ?> call) {
    if (admitted.incrementAndGet() > admittedAtMost) {
      admitted.decrementAndGet();
      refused.add(call);
      return MoreExecutors.directExecutor();
    }
    counted.add(call);
    return pool;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
      Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (refused.remove(call)) {
      call.close(Status.RESOURCE_EXHAUSTED.withDescription(serverName + " is busy: "
          + admittedAtMost + " calls are running or waiting; try again later"), new Metadata());
      return new ServerCall.Listener<>() { };
    }
    if (!counted.remove(call)) {
      return next.startCall(call, headers); // a non-blocking call, on the transport thread
    }
    AtomicBoolean released = new AtomicBoolean();
    Runnable release = () -> {
      if (released.compareAndSet(false, true)) {
        admitted.decrementAndGet();
      }
    };
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(call, headers);
    } catch (RuntimeException | Error e) {
      release.run(); // no listener, so no onComplete or onCancel will come
      throw e;
    }
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onComplete() {
        release.run();
        super.onComplete();
      }

      @Override
      public void onCancel() {
        release.run();
        super.onCancel();
      }
    };
  }

  /** How many calls hold a place now. */
  int admitted() {
    return admitted.get();
  }

  /** Lets the calls still queued run, takes no more. */
  @Override
  public void close() {
    pool.shutdown();
  }
}
