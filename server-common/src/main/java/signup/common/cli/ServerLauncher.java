package signup.common.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import signup.common.grpc.GrpcServerHost.PortInUseException;
import signup.common.grpc.GrpcServerHost;
import signup.common.grpc.NettyTuning;
import signup.common.security.InternalToken.UnusableTokenException;
import signup.common.store.DatabaseUnusableException;

/**
 * Runs one server in the foreground until SIGTERM or Ctrl-C, then stops it gracefully. Start-up
 * failures a person can fix (port taken, database not ours or not writable, no usable internal
 * token) are printed as one clear line, with exit code {@value #EXIT_CANNOT_START}. The
 * process is the server's alone, so Netty is tuned for that first ({@link NettyTuning}), and
 * gRPC's java.util.logging goes through SLF4J ({@link JavaLogging}).
 */
public final class ServerLauncher {
  public static final int EXIT_OK = 0;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_CANNOT_START = 3;
  /** Chooses the runnable jars' log format (config/logback.xml): text or json. */
  public static final String LOG_FORMAT = "SIGNUP_LOG_FORMAT";

  private ServerLauncher() {}

  /**
   * Why {@value #LOG_FORMAT} is unusable, or null when it is unset, text or json. The logging
   * configuration cannot refuse it itself: with another value it would write nothing at all.
   */
  public static String badLogFormat(java.util.Map<String, String> environment) {
    String format = environment.get(LOG_FORMAT);
    if (format == null || format.equals("text") || format.equals("json")) {
      return null;
    }
    return LOG_FORMAT + " must be text or json, not " + format;
  }

  /**
   * @param build everything start-up does before listening: reading the configuration (the
   *     internal token) and opening the database, so that each failure gets its one line
   */
  public static int runUntilStopped(Supplier<GrpcServerHost> build, PrintWriter out,
      PrintWriter err) {
    String badFormat = badLogFormat(System.getenv());
    if (badFormat != null) {
      err.println("error: " + badFormat);
      err.flush();
      return EXIT_USAGE;
    }
    JavaLogging.routeToSlf4j();
    NettyTuning.applyForOneServerPerProcess();
    GrpcServerHost host;
    try {
      host = build.get().start();
    } catch (PortInUseException | DatabaseUnusableException | UnusableTokenException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return EXIT_CANNOT_START;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      host.close();
      stopped.countDown();
    }, host.name() + "-shutdown"));
    out.println(host.name() + " listening on port " + host.port());
    // A line of its own, after the one scripts wait for: "metrics on port N".
    host.metrics().port().ifPresent(p -> out.println(host.name() + " metrics on port " + p));
    out.flush();
    try {
      host.awaitTermination();
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      host.close();
    }
    return EXIT_OK;
  }
}
