package signup.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
  private static final String STREAM = "io.grpc.netty.shaded.io.grpc.netty.NettyServerStream";
  private static final String HANDLER = "io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler";
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final AtomicLong now = new AtomicLong(1_000);
  private final LogThrottle throttle =
      new LogThrottle(MINUTE, now::get, name -> name.endsWith(".Verbose"));

  @Test
  void aGrpcWarningWithAStackTraceBecomesOneLineNamingTheException() {
    LogRecord line = throttle.admit(oversized());

    assertEquals(Level.WARNING, line.getLevel());
    assertEquals(STREAM, line.getLoggerName());
    assertEquals("Exception processing message: java.lang.IllegalStateException: "
        + "RESOURCE_EXHAUSTED: gRPC message exceeds maximum size 65536: 70000", line.getMessage());
    assertNull(line.getThrown(), "no stack trace");
  }

  @Test
  void ofOneLoggerOneRecordPerPeriodGetsThroughThenWithTheCountOfThoseLeftOut() {
    assertEquals("Exception processing message: java.lang.IllegalStateException: "
        + "RESOURCE_EXHAUSTED: gRPC message exceeds maximum size 65536: 70000",
        throttle.admit(oversized()).getMessage());
    for (int i = 0; i < 1_000; i++) {
      now.addAndGet(Duration.ofMillis(50).toNanos());
      assertNull(throttle.admit(oversized()), "within the minute");
    }
    LogRecord other = new LogRecord(Level.WARNING, "Stream Error");
    other.setLoggerName(HANDLER);
    assertEquals("Stream Error", throttle.admit(other).getMessage(), "another logger's own");

    now.addAndGet(MINUTE.toNanos());
    assertEquals("Exception processing message: java.lang.IllegalStateException: "
        + "RESOURCE_EXHAUSTED: gRPC message exceeds maximum size 65536: 70000 "
        + "(and 1000 more like it in the last 60 s)", throttle.admit(oversized()).getMessage());
  }

  @Test
  void aSevereRecordKeepsItsStackTraceAndIsThrottledToo() {
    LogRecord bug = new LogRecord(Level.SEVERE, "Exception while executing runnable {0}");
    bug.setParameters(new Object[] {"task"});
    bug.setLoggerName("io.grpc.internal.SerializingExecutor");
    bug.setThrown(new NullPointerException("a bug"));

    LogRecord line = throttle.admit(bug);

    assertEquals("Exception while executing runnable task", line.getMessage());
    assertSame(bug.getThrown(), line.getThrown());
    assertNull(throttle.admit(bug));
  }

  @Test
  void aMessageOfSeveralLinesBecomesOne() {
    LogRecord record = new LogRecord(Level.WARNING, "first\nsecond\r\nthird");
    record.setLoggerName(HANDLER);

    assertEquals("first second  third", throttle.admit(record).getMessage());
  }

  @Test
  void recordsOfOtherLibrariesAndOfLoggersAtDebugPassAsTheyCame() {
    for (String logger : Set.of("org.jdbi.v3.Something", "io.grpc.netty.Verbose")) {
      LogRecord record = new LogRecord(Level.WARNING, "as it came");
      record.setLoggerName(logger);
      record.setThrown(new IllegalStateException());
      for (int i = 0; i < 3; i++) {
        assertSame(record, throttle.admit(record), logger);
      }
    }
  }

  private static LogRecord oversized() {
    LogRecord record = new LogRecord(Level.WARNING, "Exception processing message");
    record.setLoggerName(STREAM);
    record.setThrown(new IllegalStateException(
        "RESOURCE_EXHAUSTED: gRPC message exceeds maximum size 65536: 70000"));
    return record;
  }
}
