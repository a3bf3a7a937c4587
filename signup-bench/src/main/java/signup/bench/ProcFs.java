package signup.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Counters of processes and of their threads as Linux exposes them under /proc. Every reading
 * is empty where there is no /proc (macOS, Windows) or the process has gone, so a report leaves
 * the figure out rather than failing.
 */
final class ProcFs {
  /** HotSpot's compiler threads, "C1 CompilerThread0" cut to the 15 characters of a comm. */
  private static final List<String> COMPILER_THREADS = List.of("C1 CompilerThre",
      "C2 CompilerThre");

  private final Path root;

  /** @param root where /proc is: {@code /proc}, or a directory laid out like it in a test */
  ProcFs(Path root) {
    this.root = root;
  }

  static ProcFs system() {
    return new ProcFs(Path.of("/proc"));
  }

  /**
   * Voluntary and involuntary context switches of all the process's threads. On Linux
   * {@code /proc/<pid>/status} counts only the main thread (a JVM's main thread hardly runs),
   * hence the sum over {@code task/<tid>/status}. A thread that exits between two readings takes
   * its switches with it, so a difference undercounts short-lived threads.
   */
  OptionalLong contextSwitches(long pid) {
    List<Path> tasks = tasks(pid);
    if (tasks.isEmpty()) {
      return OptionalLong.empty();
    }
    long sum = 0;
    for (Path task : tasks) {
      Optional<String> status = read(task.resolve("status"));
      if (status.isEmpty()) {
        continue; // the thread exited after the listing
      }
      for (String line : status.get().split("\n")) {
        if (line.startsWith("voluntary_ctxt_switches:")
            || line.startsWith("nonvoluntary_ctxt_switches:")) {
          sum += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
        }
      }
    }
    return OptionalLong.of(sum);
  }

  /** The process's resident memory (VmRSS), in KiB; empty once it has gone. */
  OptionalLong residentKib(long pid) {
    Optional<String> status = read(root.resolve(Long.toString(pid)).resolve("status"));
    if (status.isEmpty()) {
      return OptionalLong.empty();
    }
    for (String line : status.get().split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
      }
    }
    return OptionalLong.empty();
  }

  /**
   * CPU time in clock ticks (user + system) of these processes together and of their JIT
   * compiler threads; empty when any of them cannot be read.
   */
  Optional<CpuTicks> cpuTicks(Collection<Long> pids) {
    CpuTicks sum = new CpuTicks(0, 0);
    for (long pid : pids) {
      Optional<Long> all = read(root.resolve(Long.toString(pid)).resolve("stat"))
          .map(ProcFs::ticks);
      List<Path> tasks = tasks(pid);
      if (all.isEmpty() || tasks.isEmpty()) {
        return Optional.empty();
      }
      long compiler = 0;
      for (Path task : tasks) {
        Optional<String> stat = read(task.resolve("stat"));
        if (stat.isPresent() && COMPILER_THREADS.contains(comm(stat.get()))) {
          compiler += ticks(stat.get());
        }
      }
      sum = sum.plus(new CpuTicks(all.get(), compiler));
    }
    return Optional.of(sum);
  }

  /**
   * @param all every thread's, exited ones included (the kernel keeps those in the process's
   *     own stat)
   * @param compiler the JIT compiler threads' that are alive
   */
  record CpuTicks(long all, long compiler) {
    CpuTicks plus(CpuTicks other) {
      return new CpuTicks(all + other.all, compiler + other.compiler);
    }

    /** The compilers' share of the CPU used since {@code before}; NaN when none was used. */
    double compilerShareSince(CpuTicks before) {
      long used = all - before.all;
      // A compiler thread that HotSpot stopped in between takes its ticks with it: never below 0.
      return used <= 0 ? Double.NaN : Math.max(0, compiler - before.compiler) / (double) used;
    }
  }

  private List<Path> tasks(long pid) {
    Path dir = root.resolve(Long.toString(pid)).resolve("task");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> tasks = Files.list(dir)) {
      return new ArrayList<>(tasks.toList());
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * The CPUs the process may run on, as {@code /proc/<pid>/status} lists them ("0-3,6");
   * empty without /proc.
   */
  Optional<String> allowedCpus(long pid) {
    return read(root.resolve(String.valueOf(pid)).resolve("status")).flatMap(status ->
        status.lines().filter(line -> line.startsWith("Cpus_allowed_list:"))
            .map(line -> line.substring(line.indexOf(':') + 1).strip()).findFirst());
  }

  private static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The name between the first "(" and the last ")": a thread may put either in its name. */
  private static String comm(String stat) {
    return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  }

  /** utime + stime, fields 14 and 15 of stat, counted after the name since it may hold spaces. */
  private static long ticks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
