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
 * each confirm retried until acknowledged, then DONE. One drive per txn: recovery leaves a row
 * alone while its drive (one that outlived its request, which answered "pending") is under way,
 * and a second {@link #finish} joins the drive rather than starting another.
 */
final class CommitDrives {
  private static final Logger log = LoggerFactory.getLogger(CommitDrives.class);

  private final SignupLog signupLog;
  private final SecondPhase secondPhase;
  private final Participant subscriptions;
  private final InstantSource clock;
  private final ConcurrentMap<String, CompletableFuture<Finished>> running =
      new ConcurrentHashMap<>();

  /** @param subscriptions the participant whose confirm stamps the subscription's updated_at */
  CommitDrives(SignupLog signupLog, SecondPhase secondPhase, Participant subscriptions,
      InstantSource clock) {
    this.signupLog = signupLog;
    this.secondPhase = secondPhase;
    this.subscriptions = subscriptions;
    this.clock = clock;
  }

  /**
   * A txn confirmed everywhere and DONE.
   *
   * @param doneAt when DONE was written, to the millisecond as the log keeps it
   * @param subscriptionUpdatedAt the subscription's updated_at as its confirm answered it; null
   *     when it answered none
   */
  record Finished(Instant doneAt, Instant subscriptionUpdatedAt) {}

  /**
   * Whether a drive of {@code txnId} is under way. Once it is not, the drive that was has
   * written DONE (or failed for good, leaving the row COMMITTING): the log says which.
   */
  boolean driving(String txnId) {
    return running.containsKey(txnId);
  }

  /**
   * Finishes a COMMITTING txn, or joins the drive finishing it already. The future completes
   * on the thread of the DONE write's commit, or fails when a participant refuses for good (the
   * row stays COMMITTING).
   *
   * @param retrying see {@link SecondPhase#confirmAll}; not run when joining a drive
   */
  CompletableFuture<Finished> finish(String txnId, Runnable retrying) {
    CompletableFuture<Finished> drive = new CompletableFuture<>();
    CompletableFuture<Finished> already = running.putIfAbsent(txnId, drive);
    if (already != null) {
      return already;
    }
    secondPhase.confirmAll(txnId, retrying)
        .thenCompose(updated -> {
          // To the millisecond, as the log keeps it, so the reply equals what GetSignup reads
          // (unless a power cut loses this DONE: recovery then writes its own time).
          Finished finished = new Finished(Instant.ofEpochMilli(clock.millis()),
              updated.get(subscriptions));
          return signupLog.markDone(txnId, finished.doneAt(), finished.subscriptionUpdatedAt())
              .thenApply(moved -> {
                if (!moved) {
                  log.warn("txn_id={} was no longer COMMITTING when confirmed everywhere", txnId);
                }
                return finished;
              });
        })
        .whenComplete((finished, failure) -> {
          running.remove(txnId, drive);
          if (failure == null) {
            drive.complete(finished);
          } else {
            drive.completeExceptionally(Completions.cause(failure));
          }
        });
    return drive;
  }
}
