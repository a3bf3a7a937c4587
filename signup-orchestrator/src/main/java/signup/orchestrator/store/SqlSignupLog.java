package signup.orchestrator.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import signup.common.domain.Device;
import signup.common.store.Database;
import signup.orchestrator.domain.FailureKind;
import signup.orchestrator.domain.PlanQuote;
import signup.orchestrator.domain.SignupLog;
import signup.orchestrator.domain.SignupRecord;
import signup.orchestrator.domain.SignupState;
import signup.orchestrator.domain.SubscriptionReservation;

/**
 * {@link SignupLog} in SQL, on SQLite or on a PostgreSQL database that several orchestrators
 * share; every change is durable before the method returns, or before its future completes (on
 * a thread of the database's), but DONE, which is committed and seen by readers then, durable
 * soon after.
 *
 * <p>Every state change is an UPDATE guarded by the states {@link SignupState#allowedFrom()}
 * names, and recovery's query selects the states {@link SignupState#recoveredTo()} names: the
 * SQL is built from that one table once, at class load, so no guard is typed twice and the
 * statements' text stays constant (the writer keeps them prepared).
 *
 * <p>The moves a sign-up's own request makes (TRYING, COMMITTING, DONE) are guarded writes
 * ({@link Database#writeGuardedAsync}): each is one statement that decides on its row by key,
 * so PostgreSQL runs them at READ COMMITTED, without the predicate locks on which time-ordered
 * txn_ids conflicted. DONE is also answered without waiting for its fsync
 * ({@link Database#writeRedoableAsync}). Recovery's claim and the answer to a participant's
 * question read before they write, and stay SERIALIZABLE.
 */
public final class SqlSignupLog implements SignupLog {
  private static final String TO_COMMITTING = """
      UPDATE signup_txn SET state = 'COMMITTING', client_created_at = :clientCreated,
        subscription_id = :subscription, plan_id = :plan, plan_name = :planName,
        plan_region = :planRegion, plan_device = :planDevice, amount_minor = :amount,
        currency = :currency, subscription_created_at = :subscriptionCreated,
        subscription_updated_at = :subscriptionUpdated, updated_at = :now, claimed_by = :me,
        claimed_until = :until
      WHERE txn_id = :txn AND\s""" + guard(SignupState.COMMITTING);
  private static final String TO_DONE = """
      UPDATE signup_txn SET state = 'DONE',
        subscription_updated_at = coalesce(:subscriptionUpdated, subscription_updated_at),
        updated_at = :now
      WHERE txn_id = :txn AND\s""" + guard(SignupState.DONE);
  private static final String TO_ABORTING = """
      UPDATE signup_txn SET state = 'ABORTING', failure_kind = :kind,
        failure_message = :message, updated_at = :now
      WHERE txn_id = :txn AND\s""" + guard(SignupState.ABORTING);
  private static final Map<SignupState, String> MOVE_TO = new EnumMap<>(SignupState.class);
  /**
   * The first IN list is the partial index's own predicate, in its order (the enum's): SQLite
   * uses a partial index only for a query whose WHERE repeats it so. Written as the OR of the
   * two kinds of rows it scanned the whole table on every pass. Decided rows are taken once
   * their grace has passed, undecided ones once their deadline has.
   */
  static final String NEEDING_RECOVERY = "SELECT txn_id FROM signup_txn WHERE state IN ("
      + literals(SignupState.recovered()) + ") AND (state IN ("
      + literals(recovered(false)) + ") AND updated_at < :decidedBefore OR state IN ("
      + literals(recovered(true)) + ") AND deadline_at < :now)"
      + " AND (claimed_until IS NULL OR claimed_until < :now OR claimed_by = :me)"
      + " ORDER BY created_at LIMIT :limit";
  /**
   * One statement claims the rows and returns them. On PostgreSQL the rows another
   * orchestrator's claim has locked are skipped, not waited for; and under SERIALIZABLE a claim
   * overlapping one that committed meanwhile fails and is run again, so two never claim a row.
   */
  static final String CLAIM_FOR_RECOVERY = "UPDATE signup_txn SET claimed_by = :me,"
      + " claimed_until = :until WHERE txn_id IN (" + NEEDING_RECOVERY + ") RETURNING *";
  static final String CLAIM_FOR_RECOVERY_SKIP_LOCKED = "UPDATE signup_txn SET claimed_by = :me,"
      + " claimed_until = :until WHERE txn_id IN (" + NEEDING_RECOVERY
      + " FOR UPDATE SKIP LOCKED) RETURNING *";

  static {
    for (SignupState to : SignupState.values()) {
      if (!to.allowedFrom().isEmpty()) {
        MOVE_TO.put(to, "UPDATE signup_txn SET state = '" + to.name()
            + "', updated_at = :now WHERE txn_id = :txn AND " + guard(to));
      }
    }
  }

  // Neither dialect's DELETE takes a LIMIT (SQLite's only if compiled for it): the rows go by
  // key, on SQLite by rowid, which spares a look-up in the primary key's index per row.
  // The final states from the table, in the finished-rows index's own order ('DONE', 'ABORTED').
  static final String PURGE_FINISHED = "DELETE FROM signup_txn WHERE rowid IN ("
      + "SELECT rowid FROM signup_txn WHERE state IN (" + literals(finished())
      + ") AND updated_at < :cutoff ORDER BY updated_at LIMIT :limit)";
  static final String PURGE_FINISHED_BY_KEY = "DELETE FROM signup_txn WHERE txn_id IN ("
      + "SELECT txn_id FROM signup_txn WHERE state IN (" + literals(finished())
      + ") AND updated_at < :cutoff ORDER BY updated_at LIMIT :limit)";

  private final Database db;
  private final String purgeFinished;
  private final String claimForRecovery;

  public SqlSignupLog(Database db) {
    this.db = db;
    this.purgeFinished = db.dialect().choose(PURGE_FINISHED, PURGE_FINISHED_BY_KEY);
    this.claimForRecovery = db.dialect().choose(CLAIM_FOR_RECOVERY, CLAIM_FOR_RECOVERY_SKIP_LOCKED);
  }

  @Override
  public CompletableFuture<Optional<SignupRecord>> insertTrying(SignupRecord r) {
    return db.writeGuardedAsync(h -> {
      // Written first, read only when the request_id is taken: a new sign-up costs no read. On
      // PostgreSQL the unique index settles a race of two orchestrators for one request_id.
      int inserted = h.createUpdate("""
              INSERT INTO signup_txn (txn_id, request_id, fingerprint, state, client_id, email,
                name, region, device, created_at, updated_at, deadline_at, claimed_by,
                claimed_until)
              VALUES (:txn, :request, :fingerprint, 'TRYING', :client, :email, :name, :region,
                :device, :now, :now, :deadline, :me, :deadline)
              ON CONFLICT (request_id) DO NOTHING""")
          .bind("txn", r.txnId())
          .bind("request", r.requestId().isEmpty() ? null : r.requestId())
          .bind("fingerprint", r.fingerprint())
          .bind("client", r.clientId())
          .bind("email", r.email())
          .bind("name", r.name())
          .bind("region", r.region())
          .bind("device", r.device().name())
          .bind("now", r.createdAt().toEpochMilli())
          .bind("deadline", r.deadline().toEpochMilli())
          .bind("me", db.replica())
          .execute();
      return inserted == 1 ? Optional.<SignupRecord>empty()
          : Optional.of(findByRequestId(h, r.requestId()).orElseThrow());
    });
  }

  @Override
  public Optional<SignupRecord> find(String txnId) {
    return db.read(h -> find(h, txnId));
  }

  @Override
  public Optional<SignupRecord> findByRequestId(String requestId) {
    return db.read(h -> findByRequestId(h, requestId));
  }

  @Override
  public CompletableFuture<Boolean> markCommitting(String txnId, Instant clientCreatedAt,
      SubscriptionReservation subscription, Instant now, Instant claimUntil) {
    PlanQuote plan = subscription.plan();
    return db.writeGuardedAsync(h -> h.createUpdate(TO_COMMITTING)
        .bind("txn", txnId)
        .bind("clientCreated", clientCreatedAt.toEpochMilli())
        .bind("subscription", subscription.subscriptionId())
        .bind("plan", plan.planId())
        .bind("planName", plan.name())
        .bind("planRegion", plan.region())
        .bind("planDevice", plan.device() == null ? null : plan.device().name())
        .bind("amount", plan.amountMinor())
        .bind("currency", plan.currency())
        .bind("subscriptionCreated", millis(subscription.createdAt()))
        .bind("subscriptionUpdated", millis(subscription.updatedAt()))
        .bind("now", now.toEpochMilli())
        .bind("me", db.replica())
        .bind("until", claimUntil.toEpochMilli())
        .execute() == 1);
  }

  @Override
  public CompletableFuture<Boolean> markDone(String txnId, Instant now,
      Instant subscriptionUpdatedAt) {
    // Both confirms are durable before DONE is written, and a DONE lost to a power cut leaves
    // the row COMMITTING, which recovery confirms again (idempotent) and marks DONE: so the
    // caller need not wait for this one's fsync, only for its commit (GetSignup reads it).
    return db.writeRedoableAsync(h -> h.createUpdate(TO_DONE)
        .bind("txn", txnId)
        .bind("subscriptionUpdated", millis(subscriptionUpdatedAt))
        .bind("now", now.toEpochMilli())
        .execute() == 1);
  }

  @Override
  public boolean markAborting(String txnId, FailureKind kind, String message, Instant now) {
    return db.write(h -> abort(h, txnId, kind, message, now));
  }

  @Override
  public boolean markAborted(String txnId, Instant now) {
    return db.write(h -> move(h, txnId, SignupState.ABORTED, now));
  }

  @Override
  public boolean resolveCommitted(String txnId, Instant now) {
    return db.write(h -> {
      Optional<SignupRecord> found = find(h, txnId);
      if (found.isEmpty()) {
        // Unknown: record the abort so that this txn can never commit later.
        h.createUpdate("""
                INSERT INTO signup_txn (txn_id, state, failure_kind, failure_message,
                  created_at, updated_at, deadline_at)
                VALUES (:txn, :state, 'ABORTED', :message, :now, :now, :now)""")
            .bind("txn", txnId)
            .bind("state", SignupState.ABORTED.name())
            .bind("message", "unknown transaction, resolved as aborted")
            .bind("now", now.toEpochMilli())
            .execute();
        return false;
      }
      SignupState state = found.get().state();
      if (state.committed()) {
        return true;
      }
      if (SignupState.ABORTING.allowedFrom().contains(state)) {
        // Undecided: the participant's question decides it, the presumed way.
        abort(h, txnId, FailureKind.DEADLINE_EXCEEDED,
            "a participant's reservation expired before the sign-up was decided", now);
      }
      return false;
    });
  }

  @Override
  public List<SignupRecord> claimForRecovery(Instant now, Instant decidedBefore,
      Instant claimUntil, int limit) {
    return db.write(h -> h.createQuery(claimForRecovery)
            .bind("me", db.replica())
            .bind("until", claimUntil.toEpochMilli())
            .bind("now", now.toEpochMilli())
            .bind("decidedBefore", decidedBefore.toEpochMilli())
            .bind("limit", limit)
            .map(SqlSignupLog::map)
            .list())
        .stream()
        // RETURNING gives the rows in no promised order.
        .sorted(Comparator.comparing(SignupRecord::createdAt).thenComparing(SignupRecord::txnId))
        .toList();
  }

  /**
   * The unfinished rows by state: how many, and when the oldest of each began. One query over
   * the partial index of unfinished rows, cheap however large the log.
   */
  public List<Backlog> backlog() {
    return db.read(h -> h.createQuery("""
            SELECT state, count(*) AS n, min(created_at) AS oldest FROM signup_txn
            WHERE state IN ('TRYING', 'COMMITTING', 'ABORTING')
            GROUP BY state""")
        .map((rs, ctx) -> new Backlog(SignupState.valueOf(rs.getString("state")),
            rs.getLong("n"), Instant.ofEpochMilli(rs.getLong("oldest"))))
        .list());
  }

  /** Unfinished rows in one state: how many, and when the oldest began. */
  public record Backlog(SignupState state, long rows, Instant oldestCreatedAt) {}

  @Override
  public int purgeFinishedBefore(Instant cutoff, int limit) {
    return db.write(h -> h.createUpdate(purgeFinished)
        .bind("cutoff", cutoff.toEpochMilli())
        .bind("limit", limit)
        .execute());
  }

  private static boolean abort(Handle h, String txnId, FailureKind kind, String message,
      Instant now) {
    return h.createUpdate(TO_ABORTING)
        .bind("txn", txnId)
        .bind("kind", kind.name())
        .bind("message", message)
        .bind("now", now.toEpochMilli())
        .execute() == 1;
  }

  /** The move to {@code to} of a row in a state the table allows it from; false otherwise. */
  private static boolean move(Handle h, String txnId, SignupState to, Instant now) {
    return h.createUpdate(MOVE_TO.get(to))
        .bind("txn", txnId)
        .bind("now", now.toEpochMilli())
        .execute() == 1;
  }

  /** The condition that a row is in a state {@code to} may be reached from. */
  static String guard(SignupState to) {
    return "state IN (" + literals(to.allowedFrom()) + ")";
  }

  /** The recovered states that recovery takes at once ({@code false}) or past the deadline. */
  private static Set<SignupState> recovered(boolean onlyPastDeadline) {
    return SignupState.recovered().stream()
        .filter(state -> state.recoveredOnlyPastDeadline() == onlyPastDeadline)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(SignupState.class)));
  }

  /** 'TRYING', 'COMMITTING': enum names, in the enum's order, as SQL string literals. */
  private static Set<SignupState> finished() {
    return EnumSet.copyOf(Arrays.stream(SignupState.values()).filter(SignupState::isFinal)
        .toList());
  }

  private static String literals(Set<SignupState> states) {
    return states.stream().sorted().map(state -> "'" + state.name() + "'")
        .collect(Collectors.joining(", "));
  }

  private static Optional<SignupRecord> find(Handle h, String txnId) {
    return h.createQuery("SELECT * FROM signup_txn WHERE txn_id = :txn")
        .bind("txn", txnId)
        .map(SqlSignupLog::map)
        .findOne();
  }

  private static Optional<SignupRecord> findByRequestId(Handle h, String requestId) {
    return h.createQuery("SELECT * FROM signup_txn WHERE request_id = :request")
        .bind("request", requestId)
        .map(SqlSignupLog::map)
        .findOne();
  }

  private static SignupRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
    String subscriptionId = rs.getString("subscription_id");
    SubscriptionReservation subscription = subscriptionId == null ? null
        : new SubscriptionReservation(subscriptionId, new PlanQuote(rs.getString("plan_id"),
            rs.getString("plan_name"), rs.getString("plan_region"),
            device(rs.getString("plan_device")), rs.getLong("amount_minor"),
            rs.getString("currency")), instant(rs, "subscription_created_at"),
            instant(rs, "subscription_updated_at"));
    String request = rs.getString("request_id");
    String failure = rs.getString("failure_kind");
    return new SignupRecord(
        rs.getString("txn_id"),
        request == null ? "" : request,
        rs.getString("fingerprint"),
        SignupState.valueOf(rs.getString("state")),
        rs.getString("client_id"),
        rs.getString("email"),
        rs.getString("name"),
        rs.getString("region"),
        device(rs.getString("device")),
        instant(rs, "created_at"),
        instant(rs, "updated_at"),
        instant(rs, "deadline_at"),
        instant(rs, "client_created_at"),
        subscription,
        failure == null ? null : FailureKind.valueOf(failure),
        rs.getString("failure_message"));
  }

  private static Device device(String name) {
    return name == null ? null : Device.valueOf(name);
  }

  private static Long millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }
}
