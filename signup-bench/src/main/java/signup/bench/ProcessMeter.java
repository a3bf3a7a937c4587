package signup.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What named processes spent between two readings: CPU time as the operating system counts it
 * (user + system) and context switches (from /proc, Linux only). Per operation these are costs
 * that a busy machine hardly changes, unlike throughput: the figures to compare when other work
 * shares the cores. Context switches explain much of the protocol's CPU: each hop between
 * threads and processes is one.
 *
 * <p>Read from the operating system, not from the services' {@code /metrics}: no metric counts
 * context switches, the bench's own process (the driver, the local limit) has no endpoint, and
 * both counters must be read at the same instants for every process to be comparable.
 */
final class ProcessMeter {
  private final Map<String, ProcessHandle> processes;
  private final ProcFs procFs;
  private Map<String, Duration> cpuBefore = Map.of();
  private Map<String, Long> switchesBefore = Map.of();

  ProcessMeter(Map<String, ProcessHandle> processes, ProcFs procFs) {
    this.processes = Map.copyOf(processes);
    this.procFs = procFs;
  }

  void start() {
    cpuBefore = cpu();
    switchesBefore = contextSwitches();
  }

  /**
   * Each cost per operation since {@link #start}, by process, in the order given; a process
   * whose counter the OS does not report is left out of that counter's map.
   */
  PerSignupCost perOperation(long operations, Iterable<String> order) {
    Map<String, Duration> cpuAfter = cpu();
    Map<String, Long> switchesAfter = contextSwitches();
    Map<String, Double> cpuMillis = new LinkedHashMap<>();
    Map<String, Double> switches = new LinkedHashMap<>();
    if (operations > 0) {
      for (String name : order) {
        Duration before = cpuBefore.get(name);
        Duration after = cpuAfter.get(name);
        if (before != null && after != null) {
          cpuMillis.put(name, after.minus(before).toNanos() / 1e6 / operations);
        }
        Long switchedBefore = switchesBefore.get(name);
        Long switchedAfter = switchesAfter.get(name);
        if (switchedBefore != null && switchedAfter != null) {
          // Threads that exited in between took their switches along: never below 0.
          switches.put(name, Math.max(0, switchedAfter - switchedBefore) / (double) operations);
        }
      }
    }
    return new PerSignupCost(cpuMillis, switches);
  }

  private Map<String, Duration> cpu() {
    Map<String, Duration> now = new LinkedHashMap<>();
    processes.forEach((name, process) -> process.info().totalCpuDuration()
        .ifPresent(cpu -> now.put(name, cpu)));
    return now;
  }

  private Map<String, Long> contextSwitches() {
    Map<String, Long> now = new LinkedHashMap<>();
    processes.forEach((name, process) -> {
      OptionalLong switches = procFs.contextSwitches(process.pid());
      if (switches.isPresent()) {
        now.put(name, switches.getAsLong());
      }
    });
    return now;
  }
}
