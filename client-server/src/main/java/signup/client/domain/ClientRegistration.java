package signup.client.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.domain.Completions;
import signup.common.domain.ConfirmBatches;
import signup.common.domain.Device;
import signup.common.domain.NotFoundException;
import signup.common.domain.ReservationLedger;
import signup.common.domain.SignupFields;
import signup.common.domain.TxnResult;
import signup.common.domain.Violations;
import signup.common.fault.CrashPoint;
import signup.common.fault.CrashPoints;

/**
 * The client side of a sign-up: reserve a client as pending (its e-mail taken from then on),
 * then confirm or cancel it as the orchestrator decides; and the public reads, which see only
 * confirmed clients. Every input is checked here, all fields at once.
 */
public final class ClientRegistration {
  private static final Logger log = LoggerFactory.getLogger(ClientRegistration.class);

  /** The time left of a caller without a deadline. */
  public static final Duration NO_DEADLINE = Duration.ofDays(365);

  private final ClientStore store;
  private final PasswordHasher hasher;
  private final CrashPoints crashPoints;
  /**
   * The e-mails whose reserve is under way here (hashing or being written), with the txn that
   * reserves each. A second sign-up of one of them is refused at once: without this it queued
   * a hash of its own behind the first, only to be refused by the store's unique index once its
   * turn came, and under a same-e-mail race the losers' hashes outlasted the orchestrator's
   * reserve deadline (17 of 19 losers got DEADLINE_EXCEEDED instead of ALREADY_EXISTS).
   */
  private final ConcurrentMap<String, String> reserving = new ConcurrentHashMap<>();

  public ClientRegistration(ClientStore store, PasswordHasher hasher) {
    this(store, hasher, CrashPoints.none());
  }

  /** With fault injection, for the crash tests: see {@link CrashPoint}. */
  public ClientRegistration(ClientStore store, PasswordHasher hasher, CrashPoints crashPoints) {
    this.store = store;
    this.hasher = hasher;
    this.crashPoints = crashPoints;
  }

  /**
   * Writes the client as pending. The password is hashed first, on the hasher's pool and outside
   * the database write, so the single writer never waits for a hash. The future completes once
   * the client is durably reserved; nothing here blocks the caller.
   *
   * @throws signup.common.domain.InvalidInputException naming every bad field, at once
   * @return a future failed with {@link EmailTakenException} when the e-mail belongs to another
   *     client, pending or confirmed, or is being reserved by another txn right now, or with
   *     {@link signup.common.domain.TransactionCancelledException} when the txn was cancelled first
   */
  public CompletableFuture<Client> reserve(String txnId, String clientId, String email,
      String name, String password, String region, Device device) {
    return reserve(txnId, clientId, email, name, password, region, device, () -> NO_DEADLINE);
  }

  /**
   * {@link #reserve} for a caller who waits only {@code timeLeft}: when the hash's turn comes
   * too late for the answer to be of use, nothing is done and the future fails with
   * {@link signup.common.domain.TooLateException}.
   */
  public CompletableFuture<Client> reserve(String txnId, String clientId, String email,
      String name, String password, String region, Device device, Supplier<Duration> timeLeft) {
    String normalisedEmail = SignupFields.normaliseEmail(email);
    String normalisedRegion = SignupFields.normaliseRegion(region);
    Violations v = new Violations();
    SignupFields.checkId(v, "txn_id", txnId);
    SignupFields.checkId(v, "client_id", clientId);
    SignupFields.checkEmail(v, "email", normalisedEmail);
    SignupFields.checkName(v, "name", name);
    SignupFields.checkPassword(v, "password", password);
    SignupFields.checkRegion(v, "region", normalisedRegion);
    SignupFields.checkDevice(v, "device", device);
    v.throwIfAny();

    // A reserve under way counts as a pending client: of a race, the first here wins and the
    // others are told at once, without a hash. Should the first fail after all, a loser was
    // refused for a client that never came to be, as when a pending client is later cancelled.
    String holder = reserving.putIfAbsent(normalisedEmail, txnId);
    if (holder != null && !holder.equals(txnId)) {
      return CompletableFuture.failedFuture(new EmailTakenException());
    }
    CompletableFuture<Client> reserved = hasher.hashAsync(password, timeLeft)
        .thenCompose(passwordHash -> store.reserve(new PendingClient(txnId, clientId,
            normalisedEmail, name, normalisedRegion, device, passwordHash)))
        .thenApply(client -> {
          crashPoints.reach(CrashPoint.CLIENT_AFTER_RESERVE_WRITE);
          log.debug("txn_id={} client_id={} reserved", txnId, client.clientId());
          return client;
        });
    if (holder == null) {
      // Durable (or failed) by then: from there on the store's unique index answers.
      reserved.whenComplete((client, failure) -> reserving.remove(normalisedEmail, txnId));
    }
    return reserved;
  }

  /** Makes the reserved client visible; idempotent. */
  public CompletableFuture<Client> confirm(String txnId) {
    checkTxnId(txnId);
    return store.confirm(txnId).thenApply(client -> {
      crashPoints.reach(CrashPoint.CLIENT_AFTER_CONFIRM_WRITE);
      log.debug("txn_id={} client_id={} confirmed", txnId, client.clientId());
      return client;
    });
  }

  /**
   * {@link #confirm} of each txn, in one write: one result per txn, in their order, each as its
   * confirm alone would answer (a bad txn_id, a cancelled or unknown txn fails that txn only).
   *
   * @throws signup.common.domain.InvalidInputException when the batch is empty or too large
   */
  public CompletableFuture<List<TxnResult<Client>>> confirmAll(List<String> txnIds) {
    return ConfirmBatches.confirm(txnIds, store::confirmAll, (txnId, client) -> {
      crashPoints.reach(CrashPoint.CLIENT_AFTER_CONFIRM_WRITE);
      log.debug("txn_id={} client_id={} confirmed", txnId, client.clientId());
    });
  }

  /** Removes the pending client, or leaves a tombstone for a txn not reserved yet; idempotent. */
  public CompletableFuture<Void> cancel(String txnId) {
    checkTxnId(txnId);
    return store.cancel(txnId).thenRun(() -> log.debug("txn_id={} cancelled", txnId));
  }

  /** A confirmed client by id. */
  public Client getClient(String clientId) {
    Violations v = new Violations();
    SignupFields.checkId(v, "client_id", clientId);
    v.throwIfAny();
    return store.findConfirmed(clientId)
        .orElseThrow(() -> NotFoundException.of("client", "client_id", clientId));
  }

  /** A confirmed client by e-mail, compared case-insensitively. */
  public Client getClientByEmail(String email) {
    String normalised = SignupFields.normaliseEmail(email);
    Violations v = new Violations();
    SignupFields.checkEmail(v, "email", normalised);
    v.throwIfAny();
    // The address is not echoed back: the caller knows it, a log reader need not.
    return store.findConfirmedByEmail(normalised)
        .orElseThrow(() -> new NotFoundException("no client with that email"));
  }

  /** The reservations as the sweeper sees them: deciding one goes through the same checks. */
  public ReservationLedger ledger() {
    return new ReservationLedger() {
      @Override
      public List<String> claimReservedBefore(Instant cutoff, Instant claimUntil, int limit) {
        return store.claimReservedBefore(cutoff, claimUntil, limit);
      }

      @Override
      public void confirm(String txnId) {
        Completions.await(ClientRegistration.this.confirm(txnId));
      }

      @Override
      public void cancel(String txnId) {
        Completions.await(ClientRegistration.this.cancel(txnId));
      }
    };
  }

  private static void checkTxnId(String txnId) {
    Violations v = new Violations();
    SignupFields.checkId(v, "txn_id", txnId);
    v.throwIfAny();
  }
}
