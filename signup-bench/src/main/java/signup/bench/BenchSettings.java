package signup.bench;

import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * What to benchmark and how.
 *
 * @param target the orchestrator to drive; null to start the system in child JVMs
 * @param configurations the hash costs to run, in this order (self-hosted: each on a fresh
 *     system; with a target: the cost the target runs with, for the local limit)
 * @param concurrencies sign-ups in flight, one step each
 * @param duration how long each step runs; null when {@code count} applies
 * @param count sign-ups per step when {@code duration} is null
 * @param minWarmup the shortest warm-up (run, and discarded) before the first step on a system
 *     and before the local limit's first step; it goes on until throughput has settled
 * @param maxWarmup its longest (zero for none): the JIT compiles for up to a minute on two
 *     cores
 * @param stepWarmup run (and discarded) before every other step, to reach its steady state
 * @param deadline of each Signup call
 * @param localLimit whether to measure the local limit beside each step (in a JVM of its own,
 *     with the services' options)
 * @param serviceJvmOptions for each self-hosted service and the local limit, e.g. -Xmx256m
 * @param jfrDir where self-hosted services record a JFR profile; null for none
 * @param workDir where self-hosted data, logs and the local limit's database go
 * @param channels how to reach a target (plaintext or TLS, as the other commands do)
 * @param localLimitParts client-server's password hash, for the local limit
 * @param serveMainClass the main class whose {@code serve client|subscription|orchestrator}
 *     runs each self-hosted service and whose {@value LocalLimitChild#COMMAND} runs the local
 *     limit (the CLI's own, on this JVM's class path)
 * @param store where the self-hosted services and the local limit keep their data (with a
 *     target, the local limit alone)
 * @param replicas of each self-hosted service; more than one needs PostgreSQL
 * @param flood the flood step after each configuration's sweep; null for none
 * @param command how the bench was run, for the report's header; null when unknown
 * @param maxInFlight the self-hosted orchestrator's {@code --max-in-flight}; 0 for its default
 * @param observability whether the self-hosted services serve metrics and export traces
 */
public record BenchSettings(String target, List<HashCost> configurations,
    List<Integer> concurrencies, Duration duration, long count, Duration minWarmup,
    Duration maxWarmup, Duration stepWarmup, Duration deadline, boolean localLimit,
    List<String> serviceJvmOptions, Path jfrDir, Path workDir,
    Function<String, ManagedChannel> channels, LocalLimitParts localLimitParts,
    String serveMainClass, BenchStore store, int replicas, FloodSettings flood, String command,
    int maxInFlight, Observability observability) {

  public BenchSettings {
    configurations = List.copyOf(configurations);
    concurrencies = List.copyOf(concurrencies);
    serviceJvmOptions = List.copyOf(serviceJvmOptions);
    if (configurations.isEmpty() || concurrencies.isEmpty()) {
      throw new IllegalArgumentException("at least one configuration and one concurrency");
    }
    if (replicas < 1 || (replicas > 1 && (target != null || store instanceof BenchStore.Sqlite))) {
      throw new IllegalArgumentException("several replicas need a self-hosted system on "
          + "PostgreSQL");
    }
  }

  /**
   * On SQLite, one replica of each service, without a flood step, the command unknown, the
   * orchestrator's admission its default, the services with metrics and without traces.
   */
  public BenchSettings(String target, List<HashCost> configurations,
      List<Integer> concurrencies, Duration duration, long count, Duration minWarmup,
      Duration maxWarmup, Duration stepWarmup, Duration deadline, boolean localLimit,
      List<String> serviceJvmOptions, Path jfrDir, Path workDir,
      Function<String, ManagedChannel> channels, LocalLimitParts localLimitParts,
      String serveMainClass) {
    this(target, configurations, concurrencies, duration, count, minWarmup, maxWarmup,
        stepWarmup, deadline, localLimit, serviceJvmOptions, jfrDir, workDir, channels,
        localLimitParts, serveMainClass, BenchStore.SQLITE, 1, null, null, 0,
        Observability.METRICS);
  }

  public boolean selfHosted() {
    return target == null;
  }

  /** When the first step's warm-up ends. */
  SettlingRule warmup() {
    return SettlingRule.between(minWarmup, maxWarmup);
  }

  ClosedLoop.Limit limit() {
    return duration != null ? ClosedLoop.Limit.of(duration) : ClosedLoop.Limit.of(count);
  }
}
