package signup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CpuSplitTest {
  @Test
  void aCpuListAsLinuxWritesItIsTheCpusInIt() {
    assertEquals(List.of(0, 1, 2, 3, 6, 8, 9), CpuSplit.parse("0-3,6,8-9\n"));
    assertEquals(List.of(0), CpuSplit.parse("0"));
    assertEquals(List.of(1, 3), CpuSplit.parse("3,1"));
  }

  @Test
  void theServicesGetTheFirstHalfOfTheCpusTheBenchTheRestAndUndoGivesAllBack()
      throws IOException, InterruptedException {
    ProcFs procFs = ProcFs.system();
    Optional<String> before = procFs.allowedCpus(ProcessHandle.current().pid());
    Optional<CpuSplit> split = CpuSplit.of(procFs);
    assumeTrue(split.isPresent(), "needs Linux, taskset and two CPUs");
    List<Integer> all = CpuSplit.parse(before.orElseThrow());
    int half = (all.size() + 1) / 2;
    Process service = new ProcessBuilder("sleep", "60").start();
    try {
      assertTrue(split.get().apply(List.of(service.toHandle())), "taskset failed");
      try {
        assertEquals(all.subList(0, half), cpusOf(procFs, service.pid()));
        assertEquals(all.subList(half, all.size()),
            cpusOf(procFs, ProcessHandle.current().pid()));
      } finally {
        assertTrue(split.get().undo(List.of(service.toHandle())), "taskset failed to undo");
      }
      assertEquals(all, cpusOf(procFs, service.pid()));
      assertEquals(all, cpusOf(procFs, ProcessHandle.current().pid()));
    } finally {
      service.destroyForcibly().waitFor();
    }
  }

  private static List<Integer> cpusOf(ProcFs procFs, long pid) {
    return CpuSplit.parse(procFs.allowedCpus(pid).orElseThrow());
  }
}
