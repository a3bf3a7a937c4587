package signup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import signup.common.metrics.PrometheusText;
import signup.common.store.WriteStats;

class ServiceMetricsTest {
  /** signup_db_commit_writes as DatabaseMetrics exports it, with these bucket counts. */
  private static PrometheusText commits(String db, long count, double sum, long... buckets) {
    StringBuilder page = new StringBuilder("# TYPE signup_db_commit_writes histogram\n");
    int[] bounds = {1, 2, 4, 8, 16, 32, 64, 128, 256};
    for (int i = 0; i < bounds.length; i++) {
      page.append("signup_db_commit_writes_bucket{db=\"").append(db).append("\",le=\"")
          .append(bounds[i]).append(".0\"} ").append(buckets[i]).append('\n');
    }
    page.append("signup_db_commit_writes_bucket{db=\"").append(db).append("\",le=\"+Inf\"} ")
        .append(count).append('\n')
        .append("signup_db_commit_writes_count{db=\"").append(db).append("\"} ").append(count)
        .append('\n')
        .append("signup_db_commit_writes_sum{db=\"").append(db).append("\"} ").append(sum)
        .append('\n')
        .append("signup_db_commit_writes_max{db=\"").append(db).append("\"} 300.0\n");
    return PrometheusText.parse(page.toString());
  }

  @Test
  void aStepsGroupCommitIsTheDifferenceOfTwoScrapesWithItsLargestBatchBoundedByABucket() {
    // Before: 100 commits of one write. Then 50 commits of 400 writes, none over 16.
    PrometheusText before = commits("client", 100, 100, 100, 100, 100, 100, 100, 100, 100, 100,
        100);
    PrometheusText after = commits("client", 150, 500, 110, 120, 130, 140, 150, 150, 150, 150,
        150);

    Map<String, WriteStats> step = ServiceMetrics.groupCommit(Map.of("client-server", before),
        Map.of("client-server", after));

    assertEquals(Map.of("client-server", new WriteStats(400, 50, 16)), step);
    assertEquals(Map.of("client-server", new WriteStats(500, 150, 16)),
        ServiceMetrics.groupCommitSinceStart(Map.of("client-server", after)));
  }

  @Test
  void aBatchPastTheLastBucketIsTheRecentMaximumAndAServiceWithoutTheSeriesIsLeftOut() {
    Map<String, PrometheusText> now = new LinkedHashMap<>();
    now.put("orchestrator", commits("orchestrator", 10, 2000, 0, 0, 0, 0, 0, 0, 0, 0, 9));
    // On PostgreSQL there is no writer of ours: no commit series at all.
    now.put("client-server", PrometheusText.parse("signup_db_writer_queued{db=\"client\"} 0\n"));

    assertEquals(Map.of("orchestrator", new WriteStats(2000, 10, 300)),
        ServiceMetrics.groupCommitSinceStart(now));
    assertEquals(Map.of(), ServiceMetrics.groupCommit(Map.of(), now),
        "a service missing from the first scrape has no difference");
  }
}
