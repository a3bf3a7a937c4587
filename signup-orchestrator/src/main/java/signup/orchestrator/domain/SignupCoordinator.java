package signup.orchestrator.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.domain.Completions;
import signup.common.fault.CrashPoint;
import signup.common.fault.CrashPoints;
import signup.common.domain.DaemonThreads;
import signup.common.domain.InvalidInputException;
import signup.common.domain.NotFoundException;
import signup.common.domain.OverloadedException;
import signup.common.domain.TimeOrderedIds;
import signup.common.domain.TooLateException;
import signup.common.logging.LogContext;

/**
 * Runs a sign-up as try-confirm-cancel with presumed abort: the TRYING row is durable before
 * any remote call, both reserves go out in parallel, the conditional TRYING -> COMMITTING
 * update is the decision, and every failure before it aborts and cancels both. A lost reply
 * never loses the outcome: recovery finishes whatever a request left half-way.
 *
 * <p>The happy path holds no thread: each step is started by the completion of the one before
 * (a log write's commit, a participant's reply), so a sign-up costs no thread parked five
 * times over, nor the switches to wake it (BENCHMARKS.md). Confirm retries hold none either:
 * they wait on timers of a one-thread scheduler ({@link SecondPhase}). What blocks (an abort's
 * writes and cancels, a replay waiting for the first outcome) runs on a slow-path pool.
 */
public final class SignupCoordinator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SignupCoordinator.class);
  private static final Duration POLL = Duration.ofMillis(25);

  private final SignupLog signupLog;
  private final ClientParticipantPort clients;
  private final SubscriptionParticipantPort subscriptions;
  private final ProtocolSettings settings;
  private final AdmissionSettings admission;
  private final InstantSource clock;
  private final SecondPhase secondPhase;
  private final InFlight inFlight;
  private final CrashPoints crashPoints;
  private final SlowPath slowPath;
  private final ScheduledExecutorService retries;
  private final CommitDrives commits;
  private final TimeOrderedIds ids;

  public SignupCoordinator(SignupLog signupLog, ClientParticipantPort clients,
      SubscriptionParticipantPort subscriptions, ProtocolSettings settings, InstantSource clock) {
    this(signupLog, clients, subscriptions, settings, clock, CrashPoints.none());
  }

  /** With fault injection, for the crash tests: see {@link CrashPoint}. */
  public SignupCoordinator(SignupLog signupLog, ClientParticipantPort clients,
      SubscriptionParticipantPort subscriptions, ProtocolSettings settings, InstantSource clock,
      CrashPoints crashPoints) {
    this(signupLog, clients, subscriptions, settings, AdmissionSettings.DEFAULTS, clock,
        crashPoints);
  }

  /** Taking on as much as {@code admission} says. */
  public SignupCoordinator(SignupLog signupLog, ClientParticipantPort clients,
      SubscriptionParticipantPort subscriptions, ProtocolSettings settings,
      AdmissionSettings admission, InstantSource clock, CrashPoints crashPoints) {
    // Room in the slow path's queue for an abort of every sign-up admitted, so that an abort
    // is never refused for want of it.
    this(signupLog, clients, subscriptions, settings, admission, clock, crashPoints,
        new SlowPath(SlowPath.THREADS, Math.max(SlowPath.QUEUE, admission.maxInFlight())));
  }

  /** With the slow path given: the tests' way to a small one. */
  SignupCoordinator(SignupLog signupLog, ClientParticipantPort clients,
      SubscriptionParticipantPort subscriptions, ProtocolSettings settings,
      AdmissionSettings admission, InstantSource clock, CrashPoints crashPoints,
      SlowPath slowPath) {
    this.signupLog = signupLog;
    this.clients = clients;
    this.subscriptions = subscriptions;
    this.settings = settings;
    this.admission = admission;
    this.clock = clock;
    this.crashPoints = crashPoints;
    this.inFlight = new InFlight(new AdmissionLimit(admission.maxInFlight(),
        admission.slowSignup().toNanos()));
    this.ids = new TimeOrderedIds(clock);
    this.slowPath = slowPath;
    // One thread: it only fires timers and starts calls, neither of which blocks. Each timer
    // fires in the logging context of the sign-up that set it.
    this.retries = LogContext.carrying(Executors.newSingleThreadScheduledExecutor(
        DaemonThreads.named("orchestrator-retries")));
    this.secondPhase = new SecondPhase(List.of(clients, subscriptions), retries, crashPoints);
    this.commits = new CommitDrives(signupLog, secondPhase, subscriptions, clock);
  }

  /**
   * Signs up, waiting for the outcome; returns the DONE record.
   *
   * @throws InvalidInputException when the request_id was used with another payload
   * @throws SignupFailedException when the sign-up was aborted (nothing was created)
   * @throws SignupPendingException when it committed but is not confirmed everywhere yet
   */
  public SignupRecord signup(SignupRequest request) {
    return Completions.await(start(request));
  }

  /**
   * Starts a sign-up and returns at once; the future completes with the DONE record, or fails
   * with one of the exceptions {@link #signup} throws. It completes on whichever thread finished
   * the last step (the log's writer, a transport thread): what is chained to it must be quick.
   * What the orchestrator will not take on fails it at once, before any write: with
   * {@link TooLateException} when the caller's deadline leaves less than the admission's
   * minimum, with {@link OverloadedException} (and a retry hint) when as many sign-ups as it
   * admits are in flight already.
   */
  public CompletableFuture<SignupRecord> start(SignupRequest request) {
    return start(request, Optional.empty());
  }

  /** {@link #start(SignupRequest)} for a caller with {@code timeLeft} until its deadline. */
  public CompletableFuture<SignupRecord> start(SignupRequest request,
      Optional<Duration> timeLeft) {
    if (timeLeft.isPresent() && timeLeft.get().compareTo(admission.minTimeLeft()) < 0) {
      return CompletableFuture.failedFuture(new TooLateException("the call's deadline leaves "
          + Math.max(0, timeLeft.get().toMillis()) + " ms, less than the "
          + admission.minTimeLeft().toMillis() + " ms a sign-up needs: not started"));
    }
    // No read of the request_id first: the TRYING write checks it, in the same transaction,
    // and answers with the earlier row instead of writing. Nothing here blocks the caller.
    String txnId = ids.next();
    // What runs on the caller's thread from here (the first steps too, when a write commits
    // before its continuation is chained) logs with the txn_id; later steps carry it along.
    try (LogContext.Scope txn = LogContext.with(LogContext.TXN_ID, txnId)) {
      return start(txnId, request);
    }
  }

  private CompletableFuture<SignupRecord> start(String txnId, SignupRequest request) {
    Optional<CompletableFuture<SignupRecord>> admitted = inFlight.tryBegin(txnId);
    if (admitted.isEmpty()) {
      Duration retryAfter = retryAfter();
      return CompletableFuture.failedFuture(new OverloadedException("the orchestrator has "
          + inFlight.limit() + " sign-ups in flight, the most it takes now: this one was not "
          + "started; try again in " + retryAfter.toMillis() + " ms", retryAfter));
    }
    CompletableFuture<SignupRecord> outcome = admitted.get();
    CompletableFuture<SignupRecord> run;
    AtomicBoolean replayed = new AtomicBoolean();
    try {
      // Inside the try: whatever fails from here ends the admitted sign-up, freeing its place.
      Instant now = clock.instant();
      SignupRecord trying = SignupRecord.trying(txnId, ids.next(), request, now,
          now.plus(settings.tryTimeout()));
      run = signupLog.insertTrying(trying).thenCompose(earlier -> {
        if (earlier.isEmpty()) {
          return run(trying, request);
        }
        // A request with this request_id came first (earlier, or racing with this one). Its
        // wait for the first one's outcome says nothing of a queue: not a sample of the limit.
        replayed.set(true);
        return CompletableFuture.supplyAsync(() -> replay(request, earlier.get()), slowPath);
      });
    } catch (RuntimeException e) {
      run = CompletableFuture.failedFuture(e);
    }
    run.whenComplete((done, failure) -> {
      // Ended before the outcome is published: recovery may take the row from then on, and a
      // replay waiting on the outcome reads a log that already holds it.
      if (replayed.get()) {
        inFlight.endUnmeasured(txnId);
      } else {
        inFlight.end(txnId, overloaded(failure));
      }
      if (failure == null) {
        outcome.complete(done);
      } else {
        // The cause itself, Errors included: nothing thrown here could reach the caller.
        outcome.completeExceptionally(Completions.cause(failure));
      }
    });
    return outcome;
  }

  public SignupRecord get(String signupId) {
    return signupLog.find(signupId)
        .orElseThrow(() -> new NotFoundException("no sign-up with signup_id " + signupId));
  }

  public SignupRecord getByRequestId(String requestId) {
    return signupLog.findByRequestId(requestId)
        .orElseThrow(() -> new NotFoundException("no sign-up with request_id " + requestId));
  }

  /** For a participant asking about an expired reservation: true means commit. */
  public boolean resolve(String txnId) {
    boolean commit = signupLog.resolveCommitted(txnId, clock.instant());
    log.info("txn_id={} resolved for a participant: {}", txnId, commit ? "COMMIT" : "ABORT");
    return commit;
  }

  private CompletableFuture<SignupRecord> run(SignupRecord trying, SignupRequest request) {
    String txnId = trying.txnId();
    crashPoints.reach(CrashPoint.ORCHESTRATOR_AFTER_TRYING);
    // The happy path's steps at DEBUG: the log table records each of them durably, and at
    // INFO these lines cost ~10% of the CPU of a sign-up (BENCHMARKS.md). Aborts stay INFO.
    log.debug("txn_id={} TRYING: reserving client {} and subscription", txnId,
        trying.clientId());
    CompletableFuture<ClientReservation> client =
        clients.reserve(txnId, trying.clientId(), request);
    CompletableFuture<SubscriptionReservation> subscription = subscriptions.reserve(txnId,
        trying.clientId(), request.region(), request.device());
    // On whichever thread delivers the first reply, success or failure.
    CompletableFuture.anyOf(client, subscription)
        .whenComplete((reply, failure) -> crashPoints.reach(
            CrashPoint.ORCHESTRATOR_AFTER_FIRST_RESERVE));
    // Both replies (or deadlines) are awaited so the caller gets the most telling error.
    return CompletableFuture.allOf(client, subscription)
        .handle((both, failure) -> failure)
        .thenCompose(failure -> {
          if (failure != null) {
            ParticipantException telling = mostTelling(client, subscription);
            return CompletableFuture.supplyAsync(() -> {
              throw abort(txnId, telling.kind(), telling.getMessage());
            }, slowPath);
          }
          return commit(trying, client.join(), subscription.join());
        });
  }

  /** Both reserved: the decision, the confirms, DONE. */
  private CompletableFuture<SignupRecord> commit(SignupRecord trying,
      ClientReservation clientReservation, SubscriptionReservation subscriptionReservation) {
    String txnId = trying.txnId();
    Instant now = clock.instant();
    return signupLog.markCommitting(txnId, clientReservation.createdAt(),
            subscriptionReservation, now, now.plus(settings.recoveryClaim()))
        .handle((committing, failure) -> failure == null
            ? CompletableFuture.completedFuture(committing)
            : CompletableFuture.<Boolean>supplyAsync(() -> {
              throw decisionNotRecorded(txnId, Completions.cause(failure));
            }, slowPath))
        .thenCompose(decided -> decided)
        .thenCompose(committing -> {
          if (!committing) {
            // Recovery or a participant's ResolveTransaction aborted it while we waited.
            return CompletableFuture.supplyAsync(() -> {
              throw outcomeInLog(txnId);
            }, slowPath);
          }
          crashPoints.reach(CrashPoint.ORCHESTRATOR_AFTER_COMMITTING);
          log.debug("txn_id={} COMMITTING: plan {}", txnId,
              subscriptionReservation.plan().planId());
          return finishWithinBudget(txnId);
        })
        .thenApply(finished -> {
          log.debug("txn_id={} DONE", txnId);
          // The row as just written, without reading it back: one query less.
          return trying.done(clientReservation.createdAt(),
              subscriptionReservation.confirmedAt(finished.subscriptionUpdatedAt()),
              finished.doneAt());
        });
  }

  /**
   * {@link CommitDrives#finish} as the request waits for it: when a confirm needs retrying, for the second
   * phase's budget at most; then the caller is told the sign-up is pending while the drive goes
   * on until every participant has acknowledged.
   */
  private CompletableFuture<CommitDrives.Finished> finishWithinBudget(String txnId) {
    long started = System.nanoTime();
    CompletableFuture<CommitDrives.Finished> answer = new CompletableFuture<>();
    CompletableFuture<CommitDrives.Finished> done = commits.finish(txnId, () -> {
      long left = settings.secondPhaseBudget().toNanos() - (System.nanoTime() - started);
      retries.schedule(() -> answer.completeExceptionally(new SignupPendingException(txnId)),
          left, TimeUnit.NANOSECONDS);
    });
    done.whenComplete((finished, failure) -> {
      if (failure == null) {
        answer.complete(finished);
      } else {
        // Refused for good by a participant, or the DONE write failed (the database gone, a
        // write conflict): COMMITTING is durable, so the decision stands and recovery finishes
        // it. Whatever the failure, the caller must hear "committed, completing", never an
        // error that says nothing was done.
        log.info("txn_id={} committed, not finished yet: {}", txnId,
            Completions.cause(failure).toString());
        answer.completeExceptionally(new SignupPendingException(txnId));
      }
    });
    return answer;
  }

  private RuntimeException abort(String txnId, FailureKind kind, String message) {
    return markAborting(txnId, kind, message, unwritable -> {
      // Nothing was decided (only this request writes COMMITTING, and it did not): the
      // sign-up is aborted whatever the log can record now, and the caller hears why
      // (presumed abort). Recovery aborts the TRYING row past its deadline, and cancels.
      log.info("txn_id={} aborted ({}), not recorded yet: {}", txnId, kind,
          unwritable.toString());
      return new SignupFailedException(txnId, kind, message);
    });
  }

  /**
   * The COMMITTING write failed: the log's database refused it (a conflict, a full disk) or
   * could not be reached. Abort while the row is still TRYING; if it is not (the write was
   * kept after all, its reply lost), the sign-up is committed and recovery finishes it. When
   * the abort cannot be written either, the failure goes to the caller as it was.
   */
  private RuntimeException decisionNotRecorded(String txnId, Throwable failure) {
    String message = "the orchestrator could not record the sign-up's decision: "
        + failure.getMessage();
    return markAborting(txnId, FailureKind.UNAVAILABLE, message, unwritable -> {
      log.info("txn_id={} neither COMMITTING nor ABORTING could be written ({}); recovery "
          + "settles it", txnId, unwritable.toString());
      return failure instanceof RuntimeException unchecked ? unchecked
          : new IllegalStateException(failure);
    });
  }

  /**
   * TRYING -> ABORTING, then the abort's cancels; the log's outcome when the row had moved on;
   * {@code unwritable}'s answer when the log could not take the write.
   */
  private RuntimeException markAborting(String txnId, FailureKind kind, String message,
      Function<RuntimeException, RuntimeException> unwritable) {
    boolean aborting;
    try {
      aborting = signupLog.markAborting(txnId, kind, message, clock.instant());
    } catch (RuntimeException e) {
      return unwritable.apply(e);
    }
    return aborting ? cancelAborting(txnId, kind, message) : outcomeInLog(txnId);
  }

  /** A txn just marked ABORTING: its cancels, once each, and ABORTED if they got through. */
  private SignupFailedException cancelAborting(String txnId, FailureKind kind, String message) {
    log.info("txn_id={} ABORTING ({}): {}", txnId, kind, message);
    // The abort is decided and durable: one attempt each, then the caller gets its answer and
    // recovery finishes any cancel that did not get through (a participant that is down).
    if (Completions.await(secondPhase.cancelAll(txnId, Duration.ZERO))) {
      try {
        signupLog.markAborted(txnId, clock.instant());
        log.info("txn_id={} ABORTED", txnId);
      } catch (RuntimeException e) {
        log.info("txn_id={} cancelled everywhere; ABORTED not recorded yet: {}", txnId,
            e.toString());
      }
    }
    return new SignupFailedException(txnId, kind, message);
  }

  /**
   * The answer for a sign-up whose row moved on without this request: aborted by recovery or a
   * participant's question (the abort's cancels finished here when still due), or committed
   * after all (a COMMITTING write kept though its reply was lost): pending, recovery confirms.
   */
  private RuntimeException outcomeInLog(String txnId) {
    SignupRecord record = signupLog.find(txnId).orElseThrow();
    log.info("txn_id={} found {} in the log; answering with its outcome", txnId,
        record.state());
    if (record.state().committed()) {
      return new SignupPendingException(txnId);
    }
    if (record.state() == SignupState.ABORTING) {
      if (Completions.await(secondPhase.cancelAll(txnId, Duration.ZERO))) {
        signupLog.markAborted(txnId, clock.instant());
      }
    }
    return failureOf(record);
  }

  /**
   * The wait to suggest to a caller refused for the limit: how long a sign-up takes now, when
   * those under way will have made room (the configured hint at least, and no more than the
   * time that makes a sign-up slow), {@link #spread} by up to half again.
   */
  private Duration retryAfter() {
    Duration typical = inFlight.typicalDuration().truncatedTo(ChronoUnit.MILLIS);
    Duration most = admission.slowSignup().compareTo(admission.retryAfter()) > 0
        ? admission.slowSignup() : admission.retryAfter();
    Duration hint = typical;
    if (typical.compareTo(admission.retryAfter()) < 0) {
      hint = admission.retryAfter();
    } else if (typical.compareTo(most) > 0) {
      hint = most;
    }
    return spread(hint, ThreadLocalRandom.current().nextDouble());
  }

  /**
   * {@code hint} plus {@code fraction} of its half, to the millisecond. Callers refused together
   * and told the same wait come back together and are refused together again: bursts of
   * hundreds, each queued behind the others (a refusal's p50 was 4-6 ms at 256 and 1,024 in
   * flight; spread, under 1 ms, BENCHMARKS.md). Spread over half the wait, they come back
   * apart; never sooner than the hint.
   */
  static Duration spread(Duration hint, double fraction) {
    return hint.plusNanos((long) (hint.toNanos() / 2 * fraction)).truncatedTo(ChronoUnit.MILLIS);
  }

  /** Whether a sign-up failed for a participant too busy to answer it in time. */
  private static boolean overloaded(Throwable failure) {
    return failure != null && Completions.cause(failure) instanceof SignupFailedException failed
        && (failed.kind() == FailureKind.RESOURCE_EXHAUSTED
            || failed.kind() == FailureKind.DEADLINE_EXCEEDED);
  }

  /** A definite refusal (duplicate e-mail) beats a transient one (down, slow). */
  private static ParticipantException mostTelling(CompletableFuture<?>... calls) {
    ParticipantException chosen = null;
    for (CompletableFuture<?> call : calls) {
      if (call.isCompletedExceptionally()) {
        ParticipantException failure = SecondPhase.unwrap(call.handle((v, e) -> e).join());
        if (chosen == null || (chosen.retryable() && !failure.retryable())) {
          chosen = failure;
        }
      }
    }
    return chosen;
  }

  /** The first outcome of an earlier request with the same request_id. */
  private SignupRecord replay(SignupRequest request, SignupRecord earlier) {
    if (!earlier.fingerprint().equals(request.fingerprint())) {
      throw InvalidInputException.of("request_id",
          "already used for a sign-up with different details");
    }
    SignupRecord settled = awaitSettled(earlier);
    return switch (settled.state()) {
      case DONE -> settled;
      case ABORTING, ABORTED -> throw failureOf(settled);
      default -> throw new SignupPendingException(settled.txnId());
    };
  }

  /** Waits, within one request's time, for a running sign-up to reach DONE or an abort. */
  private SignupRecord awaitSettled(SignupRecord record) {
    Duration patience = settings.tryTimeout().plus(settings.secondPhaseBudget());
    Optional<CompletableFuture<SignupRecord>> running = inFlight.find(record.txnId());
    if (running.isPresent()) {
      try {
        running.get().get(patience.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // The log says how it ended (or that it is still running).
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return signupLog.find(record.txnId()).orElse(record);
    }
    // Driven by another process or by recovery: watch the log.
    Instant giveUp = clock.instant().plus(patience);
    SignupRecord current = record;
    while (!isSettled(current) && clock.instant().isBefore(giveUp)) {
      LockSupport.parkNanos(POLL.toNanos());
      current = signupLog.find(record.txnId()).orElse(current);
    }
    return current;
  }

  private static boolean isSettled(SignupRecord record) {
    return record.state().isFinal() || record.state() == SignupState.ABORTING;
  }

  private static SignupFailedException failureOf(SignupRecord record) {
    FailureKind kind = record.failureKind() == null ? FailureKind.ABORTED : record.failureKind();
    String message = record.failureMessage() == null
        ? "sign-up " + record.txnId() + " was aborted" : record.failureMessage();
    return new SignupFailedException(record.txnId(), kind, message);
  }

  /**
   * Stops the slow-path pool and the retries; call once the server has drained its calls.
   * Confirms still being retried stop with it: their rows are COMMITTING, recovery finishes
   * them at the next start.
   */
  @Override
  public void close() {
    slowPath.close();
    retries.shutdownNow();
  }

  /** How many sign-ups it admits at once right now ({@link AdmissionLimit}). */
  public int admissionLimit() {
    return inFlight.limit();
  }

  /** How many sign-ups are under way right now. */
  public int signupsInFlight() {
    return inFlight.count();
  }

  InFlight inFlight() {
    return inFlight;
  }

  SecondPhase secondPhase() {
    return secondPhase;
  }

  CommitDrives commits() {
    return commits;
  }
}
