package signup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapUsageTest {
  @Test
  void readsUsedCommittedAndMaxBeforeTheCollectionAndTheLiveSetAfterIt() {
    String jcmd = """
        12345:
         garbage-first heap   total 153600K, used 92160K [0x00000000f0000000, 0x0000000100000000)
          region size 1024K, 23 young (23552K), 2 survivors (2048K)
         Metaspace       used 31000K, committed 31500K, reserved 1081344K
        Command executed successfully
         garbage-first heap   total 153600K, used 12288K [0x00000000f0000000, 0x0000000100000000)
          region size 1024K, 0 young (0K), 0 survivors (0K)
        """;

    HeapUsage heap = HeapUsage.parseBeforeAndAfterGc(jcmd).orElseThrow();

    assertEquals(new HeapUsage(90, 150, 256, 12), heap);
  }

  @Test
  void withoutASecondReportTheLiveSetIsUnknown() {
    String jcmd = " garbage-first heap   total 1024K, used 512K [0x0000000000000000, "
        + "0x0000000000100000)";

    assertEquals(new HeapUsage(0, 1, 1, -1), HeapUsage.parseBeforeAndAfterGc(jcmd).orElseThrow());
  }

  @Test
  void somethingElseIsNotAHeap() {
    assertTrue(HeapUsage.parseBeforeAndAfterGc("12345:\nCould not attach").isEmpty());
  }
}
