package signup.bench;

import java.util.List;
import java.util.Map;
import signup.common.store.WriteStats;

/**
 * Everything a benchmark run measured.
 *
 * @param system "self-hosted" or the target's address
 * @param serviceJvmOptions the self-hosted services' JVM options (empty with a target)
 * @param cores of this machine
 * @param localLimitHeapMiB the most heap the local limit had: its JVM's, started with the
 *     services' options; 0 without a local limit
 */
public record BenchResult(String system, List<String> serviceJvmOptions, int cores,
    long localLimitHeapMiB, BenchSettings settings, List<Configuration> configurations) {

  /**
   * Whether any sign-up failed, remote or local, or a normal caller's during a flood. A refusal
   * is not a failure: it is the overloaded system answering as it should.
   */
  public boolean anyErrors() {
    return configurations.stream().anyMatch(c -> (c.flood() != null && c.flood().anyErrors())
        || c.steps().stream().anyMatch(s -> s.protocol().failed() > 0
            || (s.local() != null && s.local().failed() > 0)));
  }

  /**
   * One configuration's steps and, self-hosted, each service's heap at its end.
   *
   * @param heap by service name, from their metrics at the end; empty when not known (a
   *     target, or metrics off)
   * @param groupCommit how each database grouped its writes over the whole configuration,
   *     warm-ups included, by service name and "local-limit"
   * @param flood the flood step after the sweep; null when none was asked for
   * @param spans the spans the services exported over the whole configuration, by service;
   *     null when they ran without tracing
   * @param hashedBy the Argon2id implementation client-server computed hashes with, as its log
   *     says ("native (libsodium)"); null when not known (a target)
   */
  record Configuration(HashCost cost, List<Step> steps, Map<String, HeapUsage> heap,
      Map<String, WriteStats> groupCommit, FloodResult flood, Map<String, Long> spans,
      String hashedBy) {

    /** Without a flood step or traces. */
    Configuration(HashCost cost, List<Step> steps, Map<String, HeapUsage> heap,
        Map<String, WriteStats> groupCommit) {
      this(cost, steps, heap, groupCommit, null, null, null);
    }

    /** The highest protocol throughput of the sweep: what overloaded steps are held against. */
    double peakThroughput() {
      return steps.stream().mapToDouble(s -> s.protocol().throughput()).max().orElse(0);
    }

    /** A step's goodput over the peak of its configuration; NaN when nothing succeeded. */
    double goodputOfPeak(Step step) {
      double peak = peakThroughput();
      return peak == 0 ? Double.NaN : step.protocol().throughput() / peak;
    }
  }

  /**
   * One concurrency: the protocol and, unless skipped, the local limit, each after its warm-up.
   *
   * @param protocolCost per successful sign-up during the protocol step, by process: each
   *     service (self-hosted) and the bench's own driver
   * @param localCost the same for the local limit (one process); {@link PerSignupCost#NONE}
   *     without it
   * @param protocolWarmup before the protocol step
   * @param localWarmup before the local limit's step; null without it
   * @param protocolGroupCommit how each service's database grouped its writes during the
   *     protocol step alone (the difference of two scrapes), by service; empty when unknown
   */
  record Step(int concurrency, Measurement protocol, Measurement local,
      PerSignupCost protocolCost, PerSignupCost localCost, Warmup protocolWarmup,
      Warmup localWarmup, Map<String, WriteStats> protocolGroupCommit) {

    /** Without the group commit of the step. */
    Step(int concurrency, Measurement protocol, Measurement local, PerSignupCost protocolCost,
        PerSignupCost localCost, Warmup protocolWarmup, Warmup localWarmup) {
      this(concurrency, protocol, local, protocolCost, localCost, protocolWarmup, localWarmup,
          Map.of());
    }

    /** Protocol throughput over the local limit's; NaN without a local limit. */
    double ratio() {
      if (local == null || local.throughput() == 0) {
        return Double.NaN;
      }
      return protocol.throughput() / local.throughput();
    }
  }
}
