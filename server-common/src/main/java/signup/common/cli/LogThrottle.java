package signup.common.cli;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * What becomes of a java.util.logging record from gRPC or its Netty before it reaches SLF4J.
 * They log per call and per connection, whatever the cause, with a stack trace: tried from
 * outside, every message over the size cap made grpc-netty log a 40-line warning, so any client
 * could flood the log. Here such a record becomes one line (its message and the exception's own,
 * no stack), and of one logger's records at most one per period gets through, with the count of
 * those left out since. SEVERE records keep their stack (they mean a bug), still throttled.
 * Records of other libraries, and every record of a logger whose DEBUG is on, pass as they came.
 */
final class LogThrottle {
  /** gRPC's loggers, and Netty's inside grpc-netty-shaded. */
  static final String GRPC = "io.grpc.";

  private final Duration period;
  private final LongSupplier nanoTime;
  private final Predicate<String> debugEnabled;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private final SimpleFormatter formatter = new SimpleFormatter();

  /**
   * @param debugEnabled whether the named logger has DEBUG on (its records are then left whole)
   */
  LogThrottle(Duration period, LongSupplier nanoTime, Predicate<String> debugEnabled) {
    this.period = period;
    this.nanoTime = nanoTime;
    this.debugEnabled = debugEnabled;
  }

  /** The record to log in place of {@code record}; null for none. */
  LogRecord admit(LogRecord record) {
    String logger = record.getLoggerName();
    if (logger == null || !logger.startsWith(GRPC) || debugEnabled.test(logger)) {
      return record;
    }
    // Loggers are named after classes: a few dozen windows at most.
    long suppressed = windows.computeIfAbsent(logger, name -> new Window()).admit(
        nanoTime.getAsLong(), period.toNanos());
    if (suppressed < 0) {
      return null;
    }
    return oneLine(record, suppressed);
  }

  private LogRecord oneLine(LogRecord record, long suppressed) {
    boolean keepStack = record.getLevel().intValue() >= Level.SEVERE.intValue();
    StringBuilder text = new StringBuilder(formatter.formatMessage(record));
    if (record.getThrown() != null && !keepStack) {
      text.append(": ").append(record.getThrown());
    }
    if (suppressed > 0) {
      text.append(" (and ").append(suppressed).append(" more like it in the last ")
          .append(period.toSeconds()).append(" s)");
    }
    LogRecord line = new LogRecord(record.getLevel(), singleLine(text));
    line.setLoggerName(record.getLoggerName());
    line.setInstant(record.getInstant());
    line.setSourceClassName(record.getSourceClassName());
    line.setSourceMethodName(record.getSourceMethodName());
    if (keepStack) {
      line.setThrown(record.getThrown());
    }
    return line;
  }

  private static String singleLine(CharSequence text) {
    return text.toString().replace('\n', ' ').replace('\r', ' ');
  }

  /** One logger's: when a record last got through, and how many were dropped since. */
  private static final class Window {
    private boolean started;
    private long lastNanos;
    private long dropped;

    /** The number dropped since the last one through, if this one gets through; else -1. */
    synchronized long admit(long now, long periodNanos) {
      if (started && now - lastNanos < periodNanos) {
        dropped++;
        return -1;
      }
      started = true;
      lastNanos = now;
      long before = dropped;
      dropped = 0;
      return before;
    }
  }
}
