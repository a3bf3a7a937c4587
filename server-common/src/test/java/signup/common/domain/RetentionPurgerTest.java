package signup.common.domain;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import signup.common.MutableClock;

class RetentionPurgerTest {
  private static final Instant NOW = Instant.parse("2030-01-08T00:00:00Z");
  private static final Retention WEEK = new Retention(Duration.ofDays(7));

  private final MutableClock clock = new MutableClock(NOW);
  private final FakeRecords records = new FakeRecords();

  @Test
  void aPassDeletesBatchAfterBatchEveryRecordOlderThanTheRetention() {
    records.finished(1_234, NOW.minus(Duration.ofDays(8)));
    records.finished(7, NOW.minus(Duration.ofDays(6)));

    int purged = new RetentionPurger(records, WEEK, clock).purgeOnce();

    assertEquals(1_234, purged);
    assertEquals(7, records.left());
    assertEquals(List.of(500, 500, 234), records.batches);
  }

  @Test
  void theCutoffIsFixedWhenAPassStartsSoThePassEnds() {
    records.finished(1_000, NOW.minus(Duration.ofDays(8)));
    records.onEachBatch = () -> clock.advance(Duration.ofDays(1));

    new RetentionPurger(records, WEEK, clock).purgeOnce();

    assertEquals(List.of(NOW.minus(Duration.ofDays(7))), records.cutoffs.stream().distinct()
        .toList());
  }

  @Test
  void onceStartedItPurgesOnItsOwnThreadUntilClosed() {
    Retention twoSeconds = new Retention(Duration.ofSeconds(2));
    records.finished(3, NOW.minusSeconds(3));
    try (RetentionPurger purger = new RetentionPurger(records, twoSeconds, clock)) {
      purger.start("test");

      await().atMost(Duration.ofSeconds(5)).until(() -> records.left() == 0);

      records.finished(2, NOW.minusSeconds(3));
      await().atMost(Duration.ofSeconds(5)).until(() -> records.left() == 0);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet()
        .stream().noneMatch(t -> t.getName().equals("test-retention-purger")));
  }

  /** Finished records by the time they finished. */
  private static final class FakeRecords implements FinishedRecords {
    private final ConcurrentSkipListMap<Instant, Integer> byTime = new ConcurrentSkipListMap<>();
    final List<Integer> batches = new CopyOnWriteArrayList<>();
    final List<Instant> cutoffs = new CopyOnWriteArrayList<>();
    Runnable onEachBatch = () -> {};

    synchronized void finished(int count, Instant at) {
      byTime.merge(at, count, Integer::sum);
    }

    synchronized int left() {
      return byTime.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public synchronized int purgeFinishedBefore(Instant cutoff, int limit) {
      cutoffs.add(cutoff);
      int deleted = 0;
      for (Map.Entry<Instant, Integer> e : byTime.headMap(cutoff).entrySet()) {
        int take = Math.min(e.getValue(), limit - deleted);
        deleted += take;
        if (take == e.getValue()) {
          byTime.remove(e.getKey());
        } else {
          byTime.put(e.getKey(), e.getValue() - take);
        }
        if (deleted == limit) {
          break;
        }
      }
      batches.add(deleted);
      onEachBatch.run();
      return deleted;
    }
  }
}
