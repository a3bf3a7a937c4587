package signup.common.logging;

import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A scheduler whose timers fire in the {@link LogContext} of whoever set them. */
final class CarryingScheduler extends CarryingExecutorService implements ScheduledExecutorService {
  private final ScheduledExecutorService scheduler;

  CarryingScheduler(ScheduledExecutorService scheduler) {
    super(scheduler);
    this.scheduler = scheduler;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    return scheduler.schedule(LogContext.current().wrap(task), delay, unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> task, long delay, TimeUnit unit) {
    return scheduler.schedule(LogContext.current().wrap(task), delay, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long initialDelay, long period,
      TimeUnit unit) {
    return scheduler.scheduleAtFixedRate(LogContext.current().wrap(task), initialDelay, period,
        unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, long initialDelay, long delay,
      TimeUnit unit) {
    return scheduler.scheduleWithFixedDelay(LogContext.current().wrap(task), initialDelay, delay,
        unit);
  }
}
