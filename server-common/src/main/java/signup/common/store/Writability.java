package signup.common.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.domain.StoreUnavailableException.Reason;

/**
 * Whether a database takes writes, as its writers last found: lost when a write fails for a
 * storage fault (disk full, file not writable, server unreachable), regained when a test write
 * succeeds. Each change is logged once and told to a listener (the server's health), however
 * many writes fail meanwhile: a full disk must not also flood the log.
 *
 * <p>Changed by the writers (SQLite's one, PostgreSQL's many); read by anyone.
 */
final class Writability {
  private static final Logger log = LoggerFactory.getLogger(Writability.class);
  /** How often the writer tries a test write while the store does not take writes. */
  static final Duration PROBE_INTERVAL = Duration.ofMillis(500);
  /**
   * Free space the filesystem must have before a full store is tried again. A failed commit
   * leaves its partly written frames in the WAL, which the next commit overwrites: a one-page
   * test write fits there even on a full disk, and would report the store back only for the
   * next sign-up to fail again.
   */
  static final long MIN_FREE_BYTES = 1024 * 1024;

  private final String name;
  private final String where;
  private final LongSupplier freeBytes;
  private volatile Reason unavailable; // null while writes succeed
  private volatile Consumer<Boolean> listener = writable -> { };
  private long nextProbeNanos;

  /** Of a SQLite file, whose filesystem's free space says when a full disk is worth a try. */
  Writability(String name, Path file) {
    this(name, "at " + file, () -> freeBytes(file));
  }

  /**
   * @param where "at /data/client.db", "on postgresql://db:5432/client", for the log
   * @param freeBytes the free space where the data is, {@code Long.MAX_VALUE} when unknown
   */
  Writability(String name, String where, LongSupplier freeBytes) {
    this.name = name;
    this.where = where;
    this.freeBytes = freeBytes;
  }

  boolean writable() {
    return unavailable == null;
  }

  /** Why writes fail now; null while they succeed. */
  Reason reason() {
    return unavailable;
  }

  /** Told {@code false} when writes start failing for a storage fault, {@code true} when back. */
  void listen(Consumer<Boolean> listener) {
    this.listener = listener;
    listener.accept(writable());
  }

  /** A write failed for {@code reason}; {@code cause} is the database's own account of it. */
  synchronized void lost(Reason reason, Throwable cause) {
    Reason before = unavailable;
    unavailable = reason;
    if (before == reason) {
      log.debug("{} database: a write failed again: {}", name, reason);
      return;
    }
    nextProbeNanos = System.nanoTime() + PROBE_INTERVAL.toNanos();
    log.warn("the {} database {} {} ({}): writes fail until a test write succeeds (tried "
        + "every {} ms{})", name, where, reason.description(), databaseMessage(cause),
        PROBE_INTERVAL.toMillis(), reason == Reason.OUT_OF_SPACE
            ? " once " + MIN_FREE_BYTES / (1024 * 1024) + " MiB are free" : "");
    if (before == null) {
      tell(false);
    }
  }

  /** A test write succeeded. */
  synchronized void regained() {
    if (unavailable == null) {
      return;
    }
    unavailable = null;
    log.info("the {} database takes writes again", name);
    tell(true);
  }

  /** How long the writer may wait for work before a test write is due; 0 if writable. */
  synchronized long nanosUntilProbe() {
    return unavailable == null ? 0 : Math.max(0, nextProbeNanos - System.nanoTime());
  }

  /** Whether to try a test write now (and if so, the next one is due an interval later). */
  synchronized boolean probeDue() {
    Reason reason = unavailable;
    if (reason == null || System.nanoTime() - nextProbeNanos < 0) {
      return false;
    }
    nextProbeNanos = System.nanoTime() + PROBE_INTERVAL.toNanos();
    return reason != Reason.OUT_OF_SPACE || freeBytes.getAsLong() >= MIN_FREE_BYTES;
  }

  private static long freeBytes(Path file) {
    try {
      return Files.getFileStore(file).getUsableSpace();
    } catch (IOException e) {
      return Long.MAX_VALUE; // cannot tell: let the test write decide
    }
  }

  private void tell(boolean writable) {
    try {
      listener.accept(writable);
    } catch (RuntimeException e) {
      log.warn("{} database: the writability listener failed: {}", name, e.toString());
    }
  }

  /**
   * The database's message rather than the wrappers' around it: never a bound value (SQLite's
   * messages hold none; PostgreSQL's connections are told to keep a row's values out of theirs).
   */
  private static String databaseMessage(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql) {
        return sql.getMessage();
      }
    }
    return String.valueOf(cause);
  }
}
