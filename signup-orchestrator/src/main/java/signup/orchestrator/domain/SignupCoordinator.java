package signup.orchestrator.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.domain.CrashPoint;
import signup.common.domain.CrashPoints;
import signup.common.domain.InvalidInputException;
import signup.common.domain.NotFoundException;

/**
 * Runs a sign-up as try-confirm-cancel with presumed abort: the TRYING row is durable before
 * any remote call, both reserves go out in parallel, the conditional TRYING -> COMMITTING
 * update is the decision, and every failure before it aborts and cancels both. A lost reply
 * never loses the outcome: recovery finishes whatever a request left half-way.
 */
public final class SignupCoordinator {
  private static final Logger log = LoggerFactory.getLogger(SignupCoordinator.class);
  private static final Duration POLL = Duration.ofMillis(25);

  private final SignupLog signupLog;
  private final ClientParticipantPort clients;
  private final SubscriptionParticipantPort subscriptions;
  private final ProtocolSettings settings;
  private final InstantSource clock;
  private final SecondPhase secondPhase;
  private final InFlight inFlight;
  private final CrashPoints crashPoints;

  public SignupCoordinator(SignupLog signupLog, ClientParticipantPort clients,
      SubscriptionParticipantPort subscriptions, ProtocolSettings settings, InstantSource clock) {
    this(signupLog, clients, subscriptions, settings, clock, CrashPoints.none());
  }

  /** With fault injection, for the crash tests: see {@link CrashPoint}. */
  public SignupCoordinator(SignupLog signupLog, ClientParticipantPort clients,
      SubscriptionParticipantPort subscriptions, ProtocolSettings settings, InstantSource clock,
      CrashPoints crashPoints) {
    this.signupLog = signupLog;
    this.clients = clients;
    this.subscriptions = subscriptions;
    this.settings = settings;
    this.clock = clock;
    this.crashPoints = crashPoints;
    this.secondPhase = new SecondPhase(List.of(clients, subscriptions), clock, crashPoints);
    this.inFlight = new InFlight();
  }

  /**
   * Signs up; returns the DONE record.
   *
   * @throws InvalidInputException when the request_id was used with another payload
   * @throws SignupFailedException when the sign-up was aborted (nothing was created)
   * @throws SignupPendingException when it committed but is not confirmed everywhere yet
   */
  public SignupRecord signup(SignupRequest request) {
    if (request.hasRequestId()) {
      Optional<SignupRecord> earlier = signupLog.findByRequestId(request.requestId());
      if (earlier.isPresent()) {
        return replay(request, earlier.get());
      }
    }
    String txnId = UUID.randomUUID().toString();
    Instant now = clock.instant();
    SignupRecord trying = SignupRecord.trying(txnId, UUID.randomUUID().toString(), request, now,
        now.plus(settings.tryTimeout()));
    CompletableFuture<SignupRecord> outcome = inFlight.begin(txnId);
    try {
      Optional<SignupRecord> raced = signupLog.insertTrying(trying);
      if (raced.isPresent()) {
        // Another request with this request_id got its row in first.
        return replay(request, raced.get());
      }
      SignupRecord done = run(trying, request);
      outcome.complete(done);
      return done;
    } catch (RuntimeException e) {
      outcome.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.end(txnId);
    }
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

  private SignupRecord run(SignupRecord trying, SignupRequest request) {
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
    ClientReservation clientReservation;
    SubscriptionReservation subscriptionReservation;
    try {
      // Both replies (or deadlines) are awaited so the caller gets the most telling error.
      CompletableFuture.allOf(client, subscription).exceptionally(e -> null).join();
      clientReservation = client.join();
      subscriptionReservation = subscription.join();
    } catch (CompletionException e) {
      ParticipantException failure = mostTelling(client, subscription);
      throw abort(txnId, failure.kind(), failure.getMessage());
    }
    if (!signupLog.markCommitting(txnId, clientReservation.createdAt(), subscriptionReservation,
        clock.instant())) {
      // Recovery or a participant's ResolveTransaction aborted it while we waited.
      throw abortedElsewhere(txnId);
    }
    crashPoints.reach(CrashPoint.ORCHESTRATOR_AFTER_COMMITTING);
    log.debug("txn_id={} COMMITTING: plan {}", txnId, subscriptionReservation.plan().planId());
    if (!secondPhase.confirmAll(txnId, settings.secondPhaseBudget())) {
      throw new SignupPendingException(txnId);
    }
    // To the millisecond, as the log keeps it, so the reply equals what GetSignup reads later.
    Instant doneAt = Instant.ofEpochMilli(clock.millis());
    signupLog.markDone(txnId, doneAt);
    log.debug("txn_id={} DONE", txnId);
    // The row as just written, without reading it back: one query less per sign-up.
    return trying.done(clientReservation.createdAt(), subscriptionReservation, doneAt);
  }

  private SignupFailedException abort(String txnId, FailureKind kind, String message) {
    if (!signupLog.markAborting(txnId, kind, message, clock.instant())) {
      return abortedElsewhere(txnId);
    }
    log.info("txn_id={} ABORTING ({}): {}", txnId, kind, message);
    // The abort is decided and durable: one attempt each, then the caller gets its answer and
    // recovery finishes any cancel that did not get through (a participant that is down).
    if (secondPhase.cancelAll(txnId, Duration.ZERO)) {
      signupLog.markAborted(txnId, clock.instant());
      log.info("txn_id={} ABORTED", txnId);
    }
    return new SignupFailedException(kind, message);
  }

  private SignupFailedException abortedElsewhere(String txnId) {
    SignupRecord record = signupLog.find(txnId).orElseThrow();
    log.info("txn_id={} found {} by recovery; answering with its outcome", txnId,
        record.state());
    if (record.state() == SignupState.ABORTING) {
      if (secondPhase.cancelAll(txnId, Duration.ZERO)) {
        signupLog.markAborted(txnId, clock.instant());
      }
    }
    return failureOf(record);
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
    return new SignupFailedException(kind, message);
  }

  InFlight inFlight() {
    return inFlight;
  }

  SecondPhase secondPhase() {
    return secondPhase;
  }
}
