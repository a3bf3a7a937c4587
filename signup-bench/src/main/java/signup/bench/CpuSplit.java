package signup.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * This machine's CPUs cut in two for the flood step: the services on one part, the bench (its
 * closed loop and its flood) on the other. An attacker's client runs on a machine of its own;
 * on one machine its threads would otherwise take the services' CPU, and the step would
 * measure the client rather than what the services make of its calls. The step without the
 * flood it is held against runs on the same split, so the two compare like for like.
 *
 * <p>Linux only, through {@code taskset} (util-linux), which sets the CPUs of every thread of a
 * process ({@code -a}); threads started later inherit their starter's.
 */
final class CpuSplit {
  private static final long TASKSET_TIMEOUT_SECONDS = 10;

  private final String all;
  private final String services;
  private final String callers;

  private CpuSplit(String all, String services, String callers) {
    this.all = all;
    this.services = services;
    this.callers = callers;
  }

  /**
   * The split of the CPUs this process may run on: the first half (the larger, when odd) for
   * the services. Empty with fewer than two, without /proc, or without a working taskset.
   */
  static Optional<CpuSplit> of(ProcFs procFs) {
    Optional<List<Integer>> allowed = procFs.allowedCpus(ProcessHandle.current().pid())
        .map(CpuSplit::parse);
    if (allowed.isEmpty() || allowed.get().size() < 2) {
      return Optional.empty();
    }
    List<Integer> cpus = allowed.get();
    int half = (cpus.size() + 1) / 2;
    CpuSplit split = new CpuSplit(format(cpus), format(cpus.subList(0, half)),
        format(cpus.subList(half, cpus.size())));
    return taskset("-p", String.valueOf(ProcessHandle.current().pid())) ? Optional.of(split)
        : Optional.empty();
  }

  /** A CPU list as Linux writes it ("0-3,6,8-9") as the CPUs in it, in order. */
  static List<Integer> parse(String list) {
    TreeSet<Integer> cpus = new TreeSet<>();
    for (String part : list.strip().split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int dash = part.indexOf('-');
      int first = Integer.parseInt(part.substring(0, dash < 0 ? part.length() : dash).strip());
      int last = dash < 0 ? first : Integer.parseInt(part.substring(dash + 1).strip());
      for (int cpu = first; cpu <= last; cpu++) {
        cpus.add(cpu);
      }
    }
    return new ArrayList<>(cpus);
  }

  private static String format(List<Integer> cpus) {
    return cpus.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  /**
   * Moves the services to their CPUs and this process to the others; false if taskset failed
   * for any of them (the caller then {@link #undo}es it and shares the CPUs).
   */
  boolean apply(Collection<ProcessHandle> serviceProcesses) {
    boolean pinned = true;
    // Twice: a thread started while taskset walks a process's threads may miss the first.
    for (int round = 0; round < 2; round++) {
      for (ProcessHandle process : serviceProcesses) {
        pinned &= pin(services, process);
      }
      pinned &= pin(callers, ProcessHandle.current());
    }
    return pinned;
  }

  /** Gives every process back all the CPUs; false if taskset failed for any of them. */
  boolean undo(Collection<ProcessHandle> serviceProcesses) {
    boolean restored = true;
    for (ProcessHandle process : serviceProcesses) {
      restored &= pin(all, process);
    }
    return restored & pin(all, ProcessHandle.current());
  }

  /** For the report: which CPUs ran what. */
  String describe() {
    return "services on CPU " + services + ", the bench and its flood on CPU " + callers;
  }

  /** True when {@code process} now runs on {@code cpus}, or is gone. */
  private static boolean pin(String cpus, ProcessHandle process) {
    return !process.isAlive() || taskset("-a", "-p", "-c", cpus, String.valueOf(process.pid()));
  }

  private static boolean taskset(String... args) {
    List<String> command = new ArrayList<>();
    command.add("taskset");
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(TASKSET_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      return false; // no taskset here
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
