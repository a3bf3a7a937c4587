package signup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a directory laid out like /proc, so it runs on any operating system. */
class ProcFsTest {
  @TempDir Path proc;

  /** A stat line as Linux writes it: utime and stime are fields 14 and 15. */
  private static String stat(long pid, String comm, long utime, long stime) {
    return pid + " (" + comm + ") S 1 " + pid + " " + pid + " 0 -1 4194560 2371 0 0 0 "
        + utime + " " + stime + " 0 0 20 0 25 0 1234 3000000000 20000 18446744073709551615\n";
  }

  private void thread(long pid, long tid, String comm, long voluntary, long involuntary,
      long utime, long stime) throws IOException {
    Path task = Files.createDirectories(proc.resolve(pid + "/task/" + tid));
    Files.writeString(task.resolve("status"), "Name:\t" + comm + "\nState:\tS (sleeping)\n"
        + "Tgid:\t" + pid + "\nvoluntary_ctxt_switches:\t" + voluntary
        + "\nnonvoluntary_ctxt_switches:\t" + involuntary + "\n");
    Files.writeString(task.resolve("stat"), stat(tid, comm, utime, stime));
  }

  private void process(long pid, long utime, long stime) throws IOException {
    Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(proc.resolve(pid + "/stat"), stat(pid, "java", utime, stime));
    // As on Linux: the process's own status counts its main thread's switches only.
    Files.writeString(proc.resolve(pid + "/status"), "Name:\tjava\n"
        + "voluntary_ctxt_switches:\t1\nnonvoluntary_ctxt_switches:\t0\n");
  }

  @Test
  void contextSwitchesAreVoluntaryAndInvoluntaryOfEveryThread() throws IOException {
    process(100, 500, 100);
    thread(100, 100, "java", 1, 0, 0, 0);
    thread(100, 101, "grpc-default-wo", 20_000, 600, 300, 50);
    thread(100, 102, "C2 CompilerThre", 300, 40, 150, 10);

    assertEquals(OptionalLong.of(1 + 20_600 + 340), new ProcFs(proc).contextSwitches(100));
  }

  @Test
  void allowedCpusAreTheStatusCpusAllowedListAndEmptyWithoutIt() throws IOException {
    Files.createDirectories(proc.resolve("100"));
    Files.writeString(proc.resolve("100/status"), "Name:\tjava\nCpus_allowed:\t3\n"
        + "Cpus_allowed_list:\t0-1\nMems_allowed:\t1\n");

    assertEquals(Optional.of("0-1"), new ProcFs(proc).allowedCpus(100));
    assertTrue(new ProcFs(proc).allowedCpus(42).isEmpty());
  }

  @Test
  void aProcessWithoutProcReportsNoContextSwitches() {
    assertTrue(new ProcFs(proc).contextSwitches(42).isEmpty());
    assertTrue(new ProcFs(proc.resolve("no-such-dir")).contextSwitches(42).isEmpty());
  }

  @Test
  void residentMemoryIsTheStatusVmRssInKibAndEmptyOnceTheProcessIsGone() throws IOException {
    Files.createDirectories(proc.resolve("500"));
    Files.writeString(proc.resolve("500/status"), "Name:\tjava\nVmPeak:\t 3000000 kB\n"
        + "VmRSS:\t  271360 kB\nRssAnon:\t 200000 kB\n");

    assertEquals(OptionalLong.of(271_360), new ProcFs(proc).residentKib(500));
    assertTrue(new ProcFs(proc).residentKib(501).isEmpty());
  }

  @Test
  void compilerThreadsAreFoundByNameEvenWithSpacesAndParenthesesAround()
      throws IOException {
    process(200, 900, 100);
    thread(200, 201, "C1 CompilerThre", 0, 0, 40, 10);
    thread(200, 202, "C2 CompilerThre", 0, 0, 120, 30);
    // A thread may name itself anything; only the text up to the last ")" is its name.
    thread(200, 203, "x) 1 2 3 (y", 0, 0, 500, 100);

    assertEquals(Optional.of(new ProcFs.CpuTicks(1000, 200)),
        new ProcFs(proc).cpuTicks(List.of(200L)));
  }

  @Test
  void cpuOfSeveralProcessesIsSummedAndEmptyWhenOneIsGone() throws IOException {
    process(300, 60, 40);
    thread(300, 301, "C2 CompilerThre", 0, 0, 30, 0);
    process(400, 200, 0);
    thread(400, 401, "worker", 0, 0, 200, 0);
    ProcFs procFs = new ProcFs(proc);

    assertEquals(Optional.of(new ProcFs.CpuTicks(300, 30)),
        procFs.cpuTicks(List.of(300L, 400L)));
    assertTrue(procFs.cpuTicks(List.of(300L, 999L)).isEmpty());
  }

  @Test
  void theCompilersShareIsOfTheCpuUsedBetweenTwoReadings() {
    ProcFs.CpuTicks before = new ProcFs.CpuTicks(1000, 300);

    assertEquals(0.25, new ProcFs.CpuTicks(1400, 400).compilerShareSince(before), 1e-9);
    // A compiler thread that stopped in between took its ticks along.
    assertEquals(0, new ProcFs.CpuTicks(1400, 250).compilerShareSince(before));
    assertTrue(Double.isNaN(before.compilerShareSince(before)));
  }

  @Test
  void onLinuxTheProcessesOwnStatusCountsOnlyItsMainThreadSoTheThreadsAreSummed() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "no /proc here");
    long pid = ProcessHandle.current().pid();
    long mainThreadOnly = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
        .filter(line -> line.contains("ctxt_switches:"))
        .mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).strip()))
        .sum();

    long all = ProcFs.system().contextSwitches(pid).orElseThrow();

    assertTrue(all > mainThreadOnly, all + " switches in all, " + mainThreadOnly + " in main");
  }
}
