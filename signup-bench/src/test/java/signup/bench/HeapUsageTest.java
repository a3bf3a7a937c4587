package signup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import signup.common.metrics.PrometheusText;

class HeapUsageTest {
  /** As a service at -Xmx256m serves it (G1: Eden and Survivor state no maximum). */
  private static final String SCRAPE = """
      # HELP jvm_memory_used_bytes The amount of used memory
      # TYPE jvm_memory_used_bytes gauge
      jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 2.2020096E7
      jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 1.1516416E7
      jvm_memory_used_bytes{area="heap",id="G1 Survivor Space"} 5242880.0
      jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 3.3194504E7
      jvm_memory_committed_bytes{area="heap",id="G1 Eden Space"} 2.62144E7
      jvm_memory_committed_bytes{area="heap",id="G1 Old Gen"} 2.8311552E7
      jvm_memory_committed_bytes{area="heap",id="G1 Survivor Space"} 5242880.0
      jvm_memory_committed_bytes{area="nonheap",id="Metaspace"} 3.3816576E7
      jvm_memory_max_bytes{area="heap",id="G1 Eden Space"} -1.0
      jvm_memory_max_bytes{area="heap",id="G1 Old Gen"} 2.68435456E8
      jvm_memory_max_bytes{area="heap",id="G1 Survivor Space"} -1.0
      jvm_memory_max_bytes{area="nonheap",id="Compressed Class Space"} 1.073741824E9
      """;

  @Test
  void usedCommittedAndMaxAreTheHeapPoolsSummedAndTheLiveSetTheOldGenerationAfterAGc() {
    HeapUsage heap = HeapUsage.of(PrometheusText.parse(SCRAPE
        + "jvm_gc_live_data_size_bytes 1.1516416E7\n")).orElseThrow();

    assertEquals(new HeapUsage(37, 57, 256, 11), heap);
  }

  @Test
  void beforeAnyCollectionHasToldTheLiveSetIsUnknown() {
    HeapUsage heap = HeapUsage.of(PrometheusText.parse(SCRAPE
        + "jvm_gc_live_data_size_bytes 0.0\n")).orElseThrow();

    assertEquals(-1, heap.liveAfterGc());
  }

  @Test
  void aPageWithoutJvmSeriesHasNoHeap() {
    assertTrue(HeapUsage.of(PrometheusText.parse("signup_started_total 3.0\n")).isEmpty());
  }
}
