package signup.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;
import static signup.common.store.TestDatabases.insertItem;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer counts its writes and commits, so a benchmark can see that writes are grouped. */
class WriteStatsTest {
  @TempDir Path dir;

  @Test
  void writesQueuedWhileTheWriterIsBusyShareOneCommit() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), dir.resolve("s.db"))) {
      CountDownLatch writerBusy = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Void> first = CompletableFuture.runAsync(() -> db.write(h -> {
        writerBusy.countDown();
        awaitLatch(release);
        insertItem(h, "first");
        return null;
      }), callers);
      writerBusy.await();
      // Three more writes queue up behind the one that holds the writer...
      CompletableFuture<?>[] queued = new CompletableFuture<?>[3];
      for (int i = 0; i < queued.length; i++) {
        String name = "queued-" + i;
        queued[i] = CompletableFuture.runAsync(() -> db.write(h -> {
          insertItem(h, name);
          return null;
        }), callers);
      }
      // ...and once the first is let go, they commit together in the next batch.
      await().atMost(Duration.ofSeconds(10)).until(() -> db.queuedWrites() == 3);
      release.countDown();
      first.join();
      CompletableFuture.allOf(queued).join();

      WriteStats stats = db.writeStats();
      assertEquals(4, stats.writes());
      assertEquals(2, stats.commits());
      assertEquals(3, stats.largestBatch());
      assertEquals(2.0, stats.writesPerCommit());
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void aFreshDatabaseHasCommittedNothing() {
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), dir.resolve("e.db"))) {
      assertEquals(new WriteStats(0, 0, 0), db.writeStats());
      assertEquals(0.0, db.writeStats().writesPerCommit());
    }
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      assertTrue(latch.await(10, java.util.concurrent.TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
