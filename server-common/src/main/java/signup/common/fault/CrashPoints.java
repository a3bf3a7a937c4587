package signup.common.fault;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection for the crash tests: at a named {@link CrashPoint}, with the probability set
 * for it, the process dies at once, as under {@code kill -9}. {@link #none()} (the default
 * everywhere) never fires. Configured only by the test harness, through an environment variable
 * that the servers' command layer reads at start-up.
 */
public final class CrashPoints {
  private static final Logger log = LoggerFactory.getLogger(CrashPoints.class);
  /** The exit status of a process halted at a crash point (what a shell reports for kill -9). */
  public static final int HALT_STATUS = 137;
  private static final CrashPoints NONE = new CrashPoints(Map.of(), 0, point -> { });

  /** What reaching a firing point does; the JVM halt in production, a recorder in tests. */
  @FunctionalInterface
  public interface Halt {
    void halt(CrashPoint point);

    /**
     * Like kill -9: no shutdown hook runs, nothing is flushed or closed, no in-flight call is
     * answered. Only what was durably committed survives.
     */
    Halt JVM = point -> Runtime.getRuntime().halt(HALT_STATUS);
  }

  private final Map<CrashPoint, Double> probabilities;
  private final long seed;
  // java.util.Random is safe to share between threads; its sequence is fixed by the seed.
  private final Random random;
  private final Halt halt;

  private CrashPoints(Map<CrashPoint, Double> probabilities, long seed, Halt halt) {
    this.probabilities = probabilities;
    this.seed = seed;
    this.random = new Random(seed);
    this.halt = halt;
  }

  /** Never fires. */
  public static CrashPoints none() {
    return NONE;
  }

  /**
   * Reads a setting like {@code orchestrator.after-trying=0.05,client.after-reserve-write=1}:
   * each named point fires with its probability (0 to 1) every time it is reached. Blank means
   * none.
   *
   * @param seed fixes the sequence of draws, so a run can be repeated
   * @throws IllegalArgumentException naming what is wrong and the known points
   */
  public static CrashPoints parse(String setting, long seed, Halt halt) {
    if (setting == null || setting.isBlank()) {
      return NONE;
    }
    Map<CrashPoint, Double> probabilities = new EnumMap<>(CrashPoint.class);
    for (String entry : setting.split(",")) {
      String trimmed = entry.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("'" + trimmed
            + "' is not point=probability (e.g. orchestrator.after-trying=0.05)");
      }
      String id = trimmed.substring(0, eq).strip();
      CrashPoint point = CrashPoint.byId(id).orElseThrow(() -> new IllegalArgumentException(
          "unknown crash point '" + id + "'; known: " + CrashPoint.allIds()));
      double probability = probability(id, trimmed.substring(eq + 1).strip());
      if (probabilities.put(point, probability) != null) {
        throw new IllegalArgumentException("crash point " + id + " is given twice");
      }
    }
    return new CrashPoints(Collections.unmodifiableMap(probabilities), seed, halt);
  }

  private static double probability(String id, String text) {
    double p;
    try {
      p = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("crash point " + id + ": '" + text
          + "' is not a probability (a number from 0 to 1)");
    }
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("crash point " + id + ": probability " + text
          + " is not between 0 and 1");
    }
    return p;
  }

  /** Dies here, with this point's probability; otherwise (and always when off) returns. */
  public void reach(CrashPoint point) {
    Double probability = probabilities.get(point);
    if (probability == null || probability == 0) {
      return;
    }
    if (random.nextDouble() < probability) {
      log.error("CRASH POINT {} fired: halting the process now, as kill -9 would", point.id());
      halt.halt(point);
    }
  }

  /** True when any point may fire. */
  public boolean enabled() {
    return probabilities.values().stream().anyMatch(p -> p > 0);
  }

  /** Only the points that {@code service}'s code reaches (for its start-up warning). */
  public CrashPoints forService(String service) {
    Map<CrashPoint, Double> own = new EnumMap<>(CrashPoint.class);
    probabilities.forEach((point, p) -> {
      if (point.service().equals(service)) {
        own.put(point, p);
      }
    });
    return own.isEmpty() ? NONE
        : new CrashPoints(Collections.unmodifiableMap(own), seed, halt);
  }

  public long seed() {
    return seed;
  }

  /** The setting back, e.g. {@code orchestrator.after-trying=0.05}; empty when none. */
  @Override
  public String toString() {
    return probabilities.entrySet().stream()
        .map(e -> e.getKey().id() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }
}
