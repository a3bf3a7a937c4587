package signup.common.domain;

import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the records of transactions finished longer ago than the {@link Retention}, so that
 * the log and the barrier stop growing. It runs on a thread of its own and deletes in small
 * batches, each one write of the database's single writer: a sign-up's write waits at most for
 * one batch, never for a whole purge.
 */
public final class RetentionPurger implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetentionPurger.class);
  /**
   * Rows per write: a batch took 10-45 ms of the writer's time with its commit (measured on a
   * busy 2-core machine), so the sign-ups sharing its commit wait that much more, once per batch.
   */
  static final int BATCH = 500;

  private final FinishedRecords records;
  private final Retention retention;
  private final InstantSource clock;
  private final PeriodicJob schedule = new PeriodicJob("a retention purge");

  public RetentionPurger(FinishedRecords records, Retention retention, InstantSource clock) {
    this.records = records;
    this.retention = retention;
    this.clock = clock;
  }

  /** Purges every {@link Retention#purgeInterval()} on a thread of its own until closed. */
  public void start(String name) {
    schedule.start(name + "-retention-purger", retention.purgeInterval(), this::purgeLogged);
  }

  /**
   * Deletes, batch after batch, every record finished before now minus the retention. The cutoff
   * is fixed when the pass starts, so a pass ends even while transactions keep finishing.
   *
   * @return how many records were deleted
   */
  public int purgeOnce() {
    var cutoff = retention.cutoff(clock.instant());
    int total = 0;
    int deleted;
    do {
      deleted = records.purgeFinishedBefore(cutoff, BATCH);
      total += deleted;
    } while (deleted == BATCH && !Thread.currentThread().isInterrupted());
    return total;
  }

  private void purgeLogged() {
    try {
      int deleted = purgeOnce();
      if (deleted > 0) {
        log.info("retention: deleted the records of {} transactions finished over {} ago", deleted,
            retention.period());
      }
    } catch (RuntimeException e) {
      if (Thread.currentThread().isInterrupted()) {
        return; // closing: the batch in flight is committed or not, either is fine
      }
      log.error("retention purge failed; retrying on the next one", e);
    }
  }

  /** Stops purging and waits for a batch in progress, so the database may be closed next. */
  @Override
  public void close() {
    schedule.close();
  }
}
