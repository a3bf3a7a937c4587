package signup.orchestrator.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import signup.common.domain.Device;
import signup.common.store.SqliteDatabase;
import signup.orchestrator.domain.FailureKind;
import signup.orchestrator.domain.PlanQuote;
import signup.orchestrator.domain.SignupLog;
import signup.orchestrator.domain.SignupRecord;
import signup.orchestrator.domain.SignupState;
import signup.orchestrator.domain.SubscriptionReservation;

/**
 * {@link SignupLog} on SQLite; every change is durable before the method returns, or before its
 * future completes (on the database writer's thread).
 */
public final class SqliteSignupLog implements SignupLog {
  // SQLite's DELETE takes no LIMIT unless compiled for it: the rows go by rowid instead.
  static final String PURGE_FINISHED = """
      DELETE FROM signup_txn WHERE rowid IN (
        SELECT rowid FROM signup_txn
        WHERE state IN ('DONE', 'ABORTED') AND updated_at < :cutoff
        ORDER BY updated_at LIMIT :limit)""";

  private final SqliteDatabase db;

  public SqliteSignupLog(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public CompletableFuture<Optional<SignupRecord>> insertTrying(SignupRecord r) {
    return db.writeAsync(h -> {
      if (!r.requestId().isEmpty()) {
        Optional<SignupRecord> taken = findByRequestId(h, r.requestId());
        if (taken.isPresent()) {
          return taken;
        }
      }
      h.createUpdate("""
              INSERT INTO signup_txn (txn_id, request_id, fingerprint, state, client_id, email,
                name, region, device, created_at, updated_at, deadline_at)
              VALUES (:txn, :request, :fingerprint, 'TRYING', :client, :email, :name, :region,
                :device, :now, :now, :deadline)""")
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
          .execute();
      return Optional.<SignupRecord>empty();
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
      SubscriptionReservation subscription, Instant now) {
    PlanQuote plan = subscription.plan();
    return db.writeAsync(h -> h.createUpdate("""
            UPDATE signup_txn SET state = 'COMMITTING', client_created_at = :clientCreated,
              subscription_id = :subscription, plan_id = :plan, plan_name = :planName,
              plan_region = :planRegion, plan_device = :planDevice, amount_minor = :amount,
              currency = :currency, updated_at = :now
            WHERE txn_id = :txn AND state = 'TRYING'""")
        .bind("txn", txnId)
        .bind("clientCreated", clientCreatedAt.toEpochMilli())
        .bind("subscription", subscription.subscriptionId())
        .bind("plan", plan.planId())
        .bind("planName", plan.name())
        .bind("planRegion", plan.region())
        .bind("planDevice", plan.device() == null ? null : plan.device().name())
        .bind("amount", plan.amountMinor())
        .bind("currency", plan.currency())
        .bind("now", now.toEpochMilli())
        .execute() == 1);
  }

  @Override
  public CompletableFuture<Void> markDone(String txnId, Instant now) {
    return db.writeAsync(h -> {
      transition(h, txnId, SignupState.COMMITTING, SignupState.DONE, now);
      return null;
    });
  }

  @Override
  public boolean markAborting(String txnId, FailureKind kind, String message, Instant now) {
    return db.write(h -> abort(h, txnId, kind, message, now));
  }

  @Override
  public void markAborted(String txnId, Instant now) {
    db.write(h -> transition(h, txnId, SignupState.ABORTING, SignupState.ABORTED, now));
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
                VALUES (:txn, 'ABORTED', 'ABORTED', :message, :now, :now, :now)""")
            .bind("txn", txnId)
            .bind("message", "unknown transaction, resolved as aborted")
            .bind("now", now.toEpochMilli())
            .execute();
        return false;
      }
      return switch (found.get().state()) {
        case COMMITTING, DONE -> true;
        case TRYING -> {
          abort(h, txnId, FailureKind.DEADLINE_EXCEEDED,
              "a participant's reservation expired before the sign-up was decided", now);
          yield false;
        }
        case ABORTING, ABORTED -> false;
      };
    });
  }

  @Override
  public List<SignupRecord> needingRecovery(Instant now, int limit) {
    return db.read(h -> h.createQuery("""
            SELECT * FROM signup_txn
            WHERE state IN ('COMMITTING', 'ABORTING')
               OR (state = 'TRYING' AND deadline_at < :now)
            ORDER BY created_at LIMIT :limit""")
        .bind("now", now.toEpochMilli())
        .bind("limit", limit)
        .map(SqliteSignupLog::map)
        .list());
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
    return db.write(h -> h.createUpdate(PURGE_FINISHED)
        .bind("cutoff", cutoff.toEpochMilli())
        .bind("limit", limit)
        .execute());
  }

  private static boolean abort(Handle h, String txnId, FailureKind kind, String message,
      Instant now) {
    return h.createUpdate("""
            UPDATE signup_txn SET state = 'ABORTING', failure_kind = :kind,
              failure_message = :message, updated_at = :now
            WHERE txn_id = :txn AND state = 'TRYING'""")
        .bind("txn", txnId)
        .bind("kind", kind.name())
        .bind("message", message)
        .bind("now", now.toEpochMilli())
        .execute() == 1;
  }

  private static boolean transition(Handle h, String txnId, SignupState from, SignupState to,
      Instant now) {
    return h.createUpdate(
            "UPDATE signup_txn SET state = :to, updated_at = :now WHERE txn_id = :txn AND state = :from")
        .bind("txn", txnId)
        .bind("from", from.name())
        .bind("to", to.name())
        .bind("now", now.toEpochMilli())
        .execute() == 1;
  }

  private static Optional<SignupRecord> find(Handle h, String txnId) {
    return h.createQuery("SELECT * FROM signup_txn WHERE txn_id = :txn")
        .bind("txn", txnId)
        .map(SqliteSignupLog::map)
        .findOne();
  }

  private static Optional<SignupRecord> findByRequestId(Handle h, String requestId) {
    return h.createQuery("SELECT * FROM signup_txn WHERE request_id = :request")
        .bind("request", requestId)
        .map(SqliteSignupLog::map)
        .findOne();
  }

  private static SignupRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
    String subscriptionId = rs.getString("subscription_id");
    SubscriptionReservation subscription = subscriptionId == null ? null
        : new SubscriptionReservation(subscriptionId, new PlanQuote(rs.getString("plan_id"),
            rs.getString("plan_name"), rs.getString("plan_region"),
            device(rs.getString("plan_device")), rs.getLong("amount_minor"),
            rs.getString("currency")));
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

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }
}
