package signup.common.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.domain.PeriodicJob;

/**
 * Copies committed pages from a SQLite file's write-ahead log back into the database on a thread
 * and a connection of its own, so that the group-committing writer seldom has to.
 *
 * <p>Left to itself SQLite checkpoints on the connection that commits, right after the commit
 * that took the log past {@code wal_autocheckpoint} pages: the writer then copies thousands of
 * pages and fsyncs the database before it can answer the batch it just committed, and every
 * write queued behind it waits tens of milliseconds (BENCHMARKS.md). A PASSIVE checkpoint here
 * copies the same pages while the writer goes on committing: it takes no lock a writer needs,
 * never waits, and stops at what readers still use. The writer's own automatic checkpoint stays
 * as a backstop, and as the moment the log starts over from its beginning (which only a writer
 * can do, and only once every frame is copied): by then this thread has copied nearly all of it,
 * so it costs the writer little.
 */
final class WalCheckpointer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);
  static final Duration INTERVAL = Duration.ofMillis(200);

  private final String name;
  private final Connection connection;
  private final PeriodicJob job;
  private volatile boolean failing;

  /** @param connection its own (read-write) connection to the file, closed with it */
  WalCheckpointer(String name, Connection connection) {
    this.name = name;
    this.connection = connection;
    this.job = new PeriodicJob(name + " WAL checkpoints");
  }

  void start() {
    job.start(name + "-wal-checkpoint", INTERVAL, this::checkpointOnce);
  }

  /** One PASSIVE checkpoint, as the thread runs it every {@link #INTERVAL}. */
  void checkpointOnce() {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      // One row (busy, frames in the log, frames copied): busy while the writer's own automatic
      // checkpoint runs, which is fine, as one of the two does the copying.
      rs.next();
      if (failing) {
        failing = false;
        log.info("{}: WAL checkpoints work again", name);
      }
    } catch (SQLException e) {
      // A full disk or an unwritable file: the writer reports and recovers from those; here a
      // line when it starts, so that a stuck log is not silent, and the backstop stays.
      if (!failing) {
        failing = true;
        log.warn("{}: a WAL checkpoint failed ({}); the writer's own checkpoints remain", name,
            e.getMessage());
      }
    }
  }

  /** Waits for a checkpoint in progress, then closes the connection. */
  @Override
  public void close() {
    job.close();
    try {
      connection.close();
    } catch (SQLException e) {
      log.warn("{}: closing the checkpoint connection failed: {}", name, e.getMessage());
    }
  }
}
