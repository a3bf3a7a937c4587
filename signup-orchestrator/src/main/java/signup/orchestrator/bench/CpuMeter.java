package signup.orchestrator.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time that named processes used between two readings, as the operating system counts it
 * (user + system). Per operation it is a cost that a busy machine hardly changes, unlike
 * throughput: the figure to compare when other work shares the cores.
 */
final class CpuMeter {
  private final Map<String, ProcessHandle> processes;
  private Map<String, Duration> start = Map.of();

  CpuMeter(Map<String, ProcessHandle> processes) {
    this.processes = Map.copyOf(processes);
  }

  /** This process only. */
  static CpuMeter ofThisProcess(String name) {
    return new CpuMeter(Map.of(name, ProcessHandle.current()));
  }

  void start() {
    start = read();
  }

  /**
   * Milliseconds of CPU per operation since {@link #start}, by process, in the order given;
   * a process whose CPU time the OS does not report is left out.
   */
  Map<String, Double> millisPerOperation(long operations, Iterable<String> order) {
    Map<String, Duration> end = read();
    Map<String, Double> perOperation = new LinkedHashMap<>();
    for (String name : order) {
      Duration before = start.get(name);
      Duration after = end.get(name);
      if (before != null && after != null && operations > 0) {
        perOperation.put(name, after.minus(before).toNanos() / 1e6 / operations);
      }
    }
    return perOperation;
  }

  private Map<String, Duration> read() {
    Map<String, Duration> now = new LinkedHashMap<>();
    processes.forEach((name, process) -> process.info().totalCpuDuration()
        .ifPresent(cpu -> now.put(name, cpu)));
    return now;
  }
}
