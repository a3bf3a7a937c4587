package signup.orchestrator.domain;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import signup.common.domain.DaemonThreads;
import signup.common.domain.OverloadedException;
import signup.common.logging.LogContext;

/**
 * Where the coordinator runs what blocks: aborts (a few milliseconds of writes and cancels; a
 * call deadline when a participant hangs) and replays (waiting up to a sign-up's whole time for
 * the first outcome). Bounded in threads and in queue; a task beyond the queue is refused with
 * {@link OverloadedException} (RESOURCE_EXHAUSTED on the wire), thrown to whoever submits it.
 */
final class SlowPath implements Executor, AutoCloseable {
  /**
   * More than the writer can keep busy with aborts, and room for replays, which are rare (a
   * client retrying with a request_id).
   */
  static final int THREADS = 16;
  /**
   * As many as the bench's largest closed loop keeps in flight, so that the burst of aborts a
   * participant going down causes is queued, not refused. A sign-up whose abort is refused
   * keeps its TRYING row, which recovery cancels past its deadline.
   */
  static final int QUEUE = 256;

  private final ThreadPoolExecutor pool;

  /**
   * @param queue its bound; a linked queue, which takes memory as tasks come, since it is sized
   *     to --max-in-flight (an array of a large bound took the whole heap at start-up)
   */
  SlowPath(int threads, int queue) {
    this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(queue), DaemonThreads.numbered("orchestrator-slow-path"));
  }

  /** Runs {@code task} in the logging context of the caller (the sign-up's txn_id, trace_id). */
  @Override
  public void execute(Runnable task) {
    try {
      pool.execute(LogContext.current().wrap(task));
    } catch (RejectedExecutionException e) {
      if (pool.isShutdown()) {
        throw e;
      }
      throw new OverloadedException("the orchestrator is overloaded (" + pool.getQueue().size()
          + " sign-ups are waiting for an abort or a replay): this sign-up did not complete;"
          + " try again later");
    }
  }

  /** Lets what is queued run, takes nothing more. */
  @Override
  public void close() {
    pool.shutdown();
  }
}
