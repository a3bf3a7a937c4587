package signup.common.cli;

import java.time.Duration;
import java.util.logging.LogRecord;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Routes java.util.logging, which gRPC and its Netty write to, into SLF4J: their lines then come
 * out in the application's format, where its logging configuration says, at the levels it sets,
 * and {@link LogThrottle throttled}. Left alone, JUL prints to stderr on its own. It is the
 * process's, so only a main calls this (through {@link ServerLauncher} or the CLI's main).
 *
 * <p>The runnable jars' logback.xml should hold logback's {@code LevelChangePropagator}, so that
 * JUL learns the levels set there and drops a record nobody will write before building it.
 */
public final class JavaLogging {
  /** At most one line per logger of gRPC's in this time. */
  static final Duration THROTTLE_PERIOD = Duration.ofMinutes(1);

  private JavaLogging() {}

  /** Idempotent: a second call changes nothing. */
  public static synchronized void routeToSlf4j() {
    if (SLF4JBridgeHandler.isInstalled()) {
      return;
    }
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    java.util.logging.Logger.getLogger("").addHandler(new ThrottledBridge(new LogThrottle(
        THROTTLE_PERIOD, System::nanoTime,
        name -> LoggerFactory.getLogger(name).isDebugEnabled())));
  }

  /** SLF4J's bridge, for the records the throttle lets through. */
  private static final class ThrottledBridge extends SLF4JBridgeHandler {
    private final LogThrottle throttle;

    ThrottledBridge(LogThrottle throttle) {
      this.throttle = throttle;
    }

    @Override
    public void publish(LogRecord record) {
      if (record == null) {
        return;
      }
      LogRecord admitted = throttle.admit(record);
      if (admitted != null) {
        super.publish(admitted);
      }
    }
  }
}
