package signup.common.logging;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A pool whose tasks run in the {@link LogContext} of whoever handed them over: submit, invoke
 * and execute all end in {@link #execute}, which wraps. Shutting it down shuts the pool down.
 */
class CarryingExecutorService extends AbstractExecutorService {
  private final ExecutorService pool;

  CarryingExecutorService(ExecutorService pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    pool.execute(LogContext.current().wrap(task));
  }

  @Override
  public void shutdown() {
    pool.shutdown();
  }

  @Override
  public List<Runnable> shutdownNow() {
    return pool.shutdownNow();
  }

  @Override
  public boolean isShutdown() {
    return pool.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return pool.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return pool.awaitTermination(timeout, unit);
  }
}
