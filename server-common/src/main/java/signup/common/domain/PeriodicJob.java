package signup.common.domain;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job run on a thread of its own, again each interval after the last run ended, until closed:
 * the schedule of the reservation sweeper and of the retention purger. Closing waits for a run
 * in progress, so that what the job writes to may be closed next.
 */
public final class PeriodicJob implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeriodicJob.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final String what;
  private ScheduledExecutorService scheduler;

  /** @param what the job's name in a log line, e.g. "a reservation sweep" */
  public PeriodicJob(String what) {
    this.what = what;
  }

  /** Runs {@code job} every {@code interval} on a thread named {@code threadName}; once only. */
  public synchronized void start(String threadName, Duration interval, Runnable job) {
    if (scheduler != null) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(threadName));
    long every = interval.toMillis();
    scheduler.scheduleWithFixedDelay(job, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (scheduler == null) {
      return;
    }
    scheduler.shutdownNow();
    try {
      if (!scheduler.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("{} is still running after {} s; not waiting longer", what,
            CLOSE_WAIT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler = null;
  }
}
