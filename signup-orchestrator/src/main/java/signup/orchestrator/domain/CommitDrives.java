package signup.orchestrator.domain;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.domain.Completions;

/**
 * The commits being finished in this process: a COMMITTING txn confirmed on every participant,
 * each confirm retried until acknowledged, then DONE. The request that decided the commit and
 * recovery share one drive per txn, so a drive that outlives its request (which answered
 * "pending") is joined by recovery, not started twice.
 */
final class CommitDrives {
  private static final Logger log = LoggerFactory.getLogger(CommitDrives.class);

  private final SignupLog signupLog;
  private final SecondPhase secondPhase;
  private final InstantSource clock;
  private final ConcurrentMap<String, CompletableFuture<Instant>> running =
      new ConcurrentHashMap<>();

  CommitDrives(SignupLog signupLog, SecondPhase secondPhase, InstantSource clock) {
    this.signupLog = signupLog;
    this.secondPhase = secondPhase;
    this.clock = clock;
  }

  /**
   * Finishes a COMMITTING txn, or joins the drive finishing it already. The future completes
   * with the DONE time, on the thread of the DONE write's commit, or fails when a participant
   * refuses for good (the row stays COMMITTING).
   *
   * @param retrying see {@link SecondPhase#confirmAll}; not run when joining a drive
   */
  CompletableFuture<Instant> finish(String txnId, Runnable retrying) {
    CompletableFuture<Instant> drive = new CompletableFuture<>();
    CompletableFuture<Instant> already = running.putIfAbsent(txnId, drive);
    if (already != null) {
      return already;
    }
    secondPhase.confirmAll(txnId, retrying)
        .thenCompose(acknowledged -> {
          // To the millisecond, as the log keeps it, so the reply equals what GetSignup reads.
          Instant doneAt = Instant.ofEpochMilli(clock.millis());
          return signupLog.markDone(txnId, doneAt).thenApply(moved -> {
            if (!moved) {
              log.warn("txn_id={} was no longer COMMITTING when confirmed everywhere", txnId);
            }
            return doneAt;
          });
        })
        .whenComplete((doneAt, failure) -> {
          running.remove(txnId, drive);
          if (failure == null) {
            drive.complete(doneAt);
          } else {
            drive.completeExceptionally(Completions.cause(failure));
          }
        });
    return drive;
  }
}
