package signup.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a step cost per successful sign-up, by process name, in the order measured.
 *
 * @param cpuMillis CPU milliseconds (user + system)
 * @param contextSwitches voluntary and involuntary context switches of all threads; empty
 *     without /proc
 */
record PerSignupCost(Map<String, Double> cpuMillis, Map<String, Double> contextSwitches) {
  static final PerSignupCost NONE = new PerSignupCost(Map.of(), Map.of());

  PerSignupCost {
    cpuMillis = Collections.unmodifiableMap(new LinkedHashMap<>(cpuMillis));
    contextSwitches = Collections.unmodifiableMap(new LinkedHashMap<>(contextSwitches));
  }

  /** All processes measured together. */
  double cpuMillisTotal() {
    return cpuMillis.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  double contextSwitchesTotal() {
    return contextSwitches.values().stream().mapToDouble(Double::doubleValue).sum();
  }
}
