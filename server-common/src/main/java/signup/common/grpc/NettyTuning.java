package signup.common.grpc;

import java.util.Properties;

/**
 * Netty settings for a process that runs one server, applied before Netty starts (its settings
 * are system properties read once). Each one was measured with {@code signup bench} on two
 * cores (BENCHMARKS.md): together they took ~12% off the CPU of a sign-up. A property the user
 * set already (with {@code -D} or JAVA_TOOL_OPTIONS) is left as it is.
 */
public final class NettyTuning {
  /** gRPC's Netty is shaded: its property names carry the relocated package. */
  static final String EVENT_LOOP_THREADS = "io.grpc.netty.shaded.io.netty.eventLoopThreads";
  static final String LEAK_DETECTION = "io.grpc.netty.shaded.io.netty.leakDetection.level";

  private NettyTuning() {}

  /** Into this JVM's system properties. */
  public static void applyForOneServerPerProcess() {
    apply(System.getProperties(), Runtime.getRuntime().availableProcessors());
  }

  static void apply(Properties properties, int cores) {
    // Netty's default is two event loops per core, for a process that owns the machine. Here
    // three services and their database writers share the cores: with fewer loops each one
    // stays busy and picks up more work per wake-up, and the process switches threads less.
    properties.putIfAbsent(EVENT_LOOP_THREADS, String.valueOf(Math.max(1, cores / 2)));
    // The leak detector samples buffers and records a stack trace at each use of a sampled
    // one: 1.5% of client-server's CPU in a profile, for a check that belongs in tests.
    properties.putIfAbsent(LEAK_DETECTION, "disabled");
  }
}
