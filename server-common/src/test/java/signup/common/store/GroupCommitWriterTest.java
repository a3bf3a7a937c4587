package signup.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static signup.common.store.TestDatabases.insertItem;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.slf4j.MDC;
import signup.common.ConcurrencyTesting;
import signup.common.logging.LogContext;

/** The single writer: group commit, per-unit rollback, and a close that loses nothing. */
class GroupCommitWriterTest {
  @TempDir Path dir;
  private SqliteDatabase db;
  private final List<Thread> writers = new ArrayList<>();
  private final CountDownLatch releaseWriter = new CountDownLatch(1);

  @BeforeEach
  void open() {
    db = SqliteDatabase.open(TestDatabases.spec(), dir.resolve("writer.db"));
  }

  @AfterEach
  void close() throws InterruptedException {
    releaseWriter.countDown();
    db.close();
    for (Thread writer : writers) {
      writer.join(TimeUnit.SECONDS.toMillis(10));
    }
  }

  @Test
  void eachWriteRunsAndIsAnsweredInTheLoggingContextOfTheThreadThatQueuedIt() throws Exception {
    // Two writes of two sign-ups, queued from two threads: one batch on the writer's thread.
    List<CompletableFuture<String>> seen = new ArrayList<>();
    for (String txnId : List.of("t-1", "t-2")) {
      CompletableFuture<String> queued = CompletableFuture.supplyAsync(() -> {
        try (LogContext.Scope ids = LogContext.withTxn(txnId, "trace-" + txnId)) {
          return db.writeAsync(handle -> MDC.get(LogContext.TXN_ID))
              .thenApply(inWork -> inWork + "/" + MDC.get(LogContext.TXN_ID) + "/"
                  + MDC.get(LogContext.TRACE_ID));
        }
      }).thenCompose(Function.identity());
      seen.add(queued);
    }
    // A write queued with nothing in the MDC shows nothing of theirs.
    CompletableFuture<String> bare = db.writeAsync(handle -> String.valueOf(MDC.get(
        LogContext.TXN_ID))).thenApply(inWork -> inWork + "/" + MDC.get(LogContext.TXN_ID));

    assertEquals("t-1/t-1/trace-t-1", seen.get(0).get(10, TimeUnit.SECONDS));
    assertEquals("t-2/t-2/trace-t-2", seen.get(1).get(10, TimeUnit.SECONDS));
    assertEquals("null/null", bare.get(10, TimeUnit.SECONDS));
  }

  @Test
  void manyConcurrentWritersAllLandAndShareCommits() throws Exception {
    int threads = 16;
    int writesEach = 50;
    // Each unit notes how many rows were committed when it ran: units of one batch see the same
    // number, so the distinct numbers seen are the commits made.
    Set<Long> committedCountsSeen = ConcurrentHashMap.newKeySet();
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      CompletableFuture<Void> finished = new CompletableFuture<>();
      done.add(finished);
      Thread writer = new Thread(() -> {
        try {
          for (int i = 0; i < writesEach; i++) {
            String name = "t" + thread + "-" + i;
            committedCountsSeen.add(db.write(handle -> {
              insertItem(handle, name);
              return db.read(TestDatabases::itemCount);
            }));
            // Acknowledged means committed: a reader sees the row at once.
            long visible = db.read(handle -> handle.createQuery(
                "SELECT count(*) FROM items WHERE name = ?").bind(0, name).mapTo(Long.class).one());
            if (visible != 1) {
              throw new AssertionError(name + " was acknowledged but is not visible");
            }
          }
          finished.complete(null);
        } catch (Throwable e) {
          finished.completeExceptionally(e);
        }
      });
      writers.add(writer);
      writer.start();
    }

    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    assertEquals((long) threads * writesEach, db.read(TestDatabases::itemCount));
    assertTrue(committedCountsSeen.size() < threads * writesEach,
        "expected fewer commits than writes, saw " + committedCountsSeen.size());
  }

  @Test
  void writesQueuedWhileTheWriterIsBusyShareOneCommit() throws Exception {
    blockTheWriter();
    List<CompletableFuture<Long>> queued = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String name = "queued-" + i;
      queued.add(writeOnNewThread(handle -> {
        insertItem(handle, name);
        return db.read(TestDatabases::itemCount);
      }));
    }
    ConcurrencyTesting.awaitParkedIn("CompletableFuture.get", writers.subList(1, writers.size()));

    releaseWriter.countDown();

    Set<Long> committedCountsSeen = new HashSet<>();
    for (CompletableFuture<Long> write : queued) {
      committedCountsSeen.add(write.get(10, TimeUnit.SECONDS));
    }
    assertEquals(Set.of(0L), committedCountsSeen, "all ten ran before any of them committed");
    assertEquals(10L, db.read(TestDatabases::itemCount));
  }

  @Test
  void failedUnitDoesNotUndoTheOthersInItsBatch() throws Exception {
    db.write(handle -> {
      insertItem(handle, "taken");
      return null;
    });
    blockTheWriter();
    DomainFailure domainFailure = new DomainFailure();
    CompletableFuture<String> before = writeOnNewThread(handle -> {
      insertItem(handle, "before");
      return "ok";
    });
    CompletableFuture<String> throwing = writeOnNewThread(handle -> {
      insertItem(handle, "thrown away");
      throw domainFailure;
    });
    CompletableFuture<String> duplicate = writeOnNewThread(handle -> {
      insertItem(handle, "duplicate's other row");
      insertItem(handle, "taken");
      return "should not happen";
    });
    CompletableFuture<String> after = writeOnNewThread(handle -> {
      insertItem(handle, "after");
      return "ok";
    });
    ConcurrencyTesting.awaitParkedIn("CompletableFuture.get", writers.subList(1, writers.size()));

    releaseWriter.countDown();

    assertEquals("ok", before.get(10, TimeUnit.SECONDS));
    assertEquals("ok", after.get(10, TimeUnit.SECONDS));
    assertSame(domainFailure, failureOf(throwing), "the unit gets its own exception back");
    Throwable constraint = failureOf(duplicate);
    SQLiteException sqlite = assertInstanceOf(SQLiteException.class, constraint.getCause(),
        "a constraint violation reaches its caller: " + constraint);
    assertEquals(SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE, sqlite.getResultCode());
    assertEquals(List.of("after", "before", "taken"), db.read(TestDatabases::items));
  }

  @Test
  void unitThatThrowsAloneWritesNothingAndTheWriterCarriesOn() {
    DomainFailure failure = new DomainFailure();
    DomainFailure thrown = assertThrows(DomainFailure.class, () -> db.write(handle -> {
      insertItem(handle, "undone");
      throw failure;
    }));
    assertSame(failure, thrown);
    assertEquals(0L, db.read(TestDatabases::itemCount));

    db.write(handle -> {
      insertItem(handle, "next");
      return null;
    });
    assertEquals(List.of("next"), db.read(TestDatabases::items));
  }

  @Test
  void manyFailingUnitsInOneBatchLeaveTheSucceedingOnesIntact() throws Exception {
    blockTheWriter();
    List<CompletableFuture<String>> outcomes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String name = "row-" + i;
      boolean fail = i % 2 == 0;
      outcomes.add(writeOnNewThread(handle -> {
        insertItem(handle, name);
        if (fail) {
          throw new DomainFailure();
        }
        return name;
      }));
    }
    ConcurrencyTesting.awaitParkedIn("CompletableFuture.get", writers.subList(1, writers.size()));

    releaseWriter.countDown();

    for (int i = 0; i < 20; i++) {
      if (i % 2 == 0) {
        assertInstanceOf(DomainFailure.class, failureOf(outcomes.get(i)));
      } else {
        assertEquals("row-" + i, outcomes.get(i).get(10, TimeUnit.SECONDS));
      }
    }
    assertEquals(10L, db.read(TestDatabases::itemCount));
  }

  @Test
  void writeFromInsideAWriteIsRefusedInsteadOfDeadlocking() {
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> db.write(handle -> db.write(inner -> null)));
    assertTrue(refused.getMessage().contains("inside a write"), refused.getMessage());
  }

  @Test
  void closeFinishesQueuedWritesBeforeReturning() throws Exception {
    blockTheWriter();
    List<CompletableFuture<String>> queued = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String name = "queued-" + i;
      queued.add(writeOnNewThread(handle -> {
        insertItem(handle, name);
        return name;
      }));
    }
    ConcurrencyTesting.awaitParkedIn("CompletableFuture.get", writers.subList(1, writers.size()));
    CompletableFuture<Void> closed = new CompletableFuture<>();
    Thread closer = new Thread(() -> {
      db.close();
      closed.complete(null);
    });
    closer.start();
    ConcurrencyTesting.awaitParkedIn("Thread.join", List.of(closer));
    assertFalse(closed.isDone(), "close must wait for the queued writes");

    releaseWriter.countDown();

    closed.get(10, TimeUnit.SECONDS);
    // Committed before close returned (the reopened file holds them), and each caller told so;
    // its thread may wake a moment after close returns, hence a wait rather than isDone().
    for (int i = 0; i < queued.size(); i++) {
      assertEquals("queued-" + i, queued.get(i).get(10, TimeUnit.SECONDS));
    }
    try (SqliteDatabase reopened = SqliteDatabase.open(TestDatabases.spec(), db.file())) {
      assertEquals(5L, reopened.read(TestDatabases::itemCount));
    }
  }

  /** Occupies the writer thread with a unit that waits for {@link #releaseWriter}. */
  private void blockTheWriter() throws InterruptedException {
    CountDownLatch writerBusy = new CountDownLatch(1);
    writeOnNewThread(handle -> {
      writerBusy.countDown();
      try {
        releaseWriter.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    });
    assertTrue(writerBusy.await(10, TimeUnit.SECONDS));
  }

  private <T> CompletableFuture<T> writeOnNewThread(Function<Handle, T> work) {
    CompletableFuture<T> outcome = new CompletableFuture<>();
    Thread writer = new Thread(() -> {
      try {
        outcome.complete(db.write(work));
      } catch (Throwable e) {
        outcome.completeExceptionally(e);
      }
    });
    writers.add(writer);
    writer.start();
    return outcome;
  }

  private static Throwable failureOf(CompletableFuture<?> outcome) {
    return assertThrows(ExecutionException.class, () -> outcome.get(10, TimeUnit.SECONDS))
        .getCause();
  }

  /** Stands for a domain exception such as an e-mail already taken. */
  static final class DomainFailure extends RuntimeException {
    DomainFailure() {
      super("domain rule broken");
    }
  }
}
