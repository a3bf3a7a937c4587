package signup.subscription.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import signup.common.domain.Device;
import signup.common.domain.TxnResult;
import signup.common.store.Database;
import signup.common.store.PendingRows;
import signup.common.store.TccBarrier;
import signup.common.store.UniqueViolation;
import signup.subscription.domain.Money;
import signup.subscription.domain.Plan;
import signup.subscription.domain.Subscription;
import signup.subscription.domain.SubscriptionExistsException;
import signup.subscription.domain.SubscriptionRepository;

/**
 * Plans and subscriptions in SQL, on SQLite or PostgreSQL. Each participant step is one atomic
 * write of the {@link Database} (on SQLite a unit of its single writer), together with its
 * barrier record, so data and barrier never disagree. Times are stored as Unix epoch
 * milliseconds.
 */
public final class SqlSubscriptionRepository implements SubscriptionRepository {
  private static final PendingRows SUBSCRIPTIONS =
      new PendingRows("subscriptions", "ACTIVE", "updated_at");
  private static final String SELECT_SUBSCRIPTION = """
      SELECT s.subscription_id, s.client_id, s.status, s.region, s.device, s.created_at,
             s.updated_at, p.plan_id, p.name, p.region AS plan_region, p.device AS plan_device,
             p.amount_minor, p.currency
      FROM subscriptions s JOIN plans p ON p.plan_id = s.plan_id
      """;

  private final Database db;
  private final TccBarrier barrier;

  public SqlSubscriptionRepository(Database db, InstantSource clock) {
    this.db = db;
    this.barrier = new TccBarrier(clock, SUBSCRIPTIONS, db.dialect());
  }

  @Override
  public List<Plan> loadPlans() {
    return db.read(handle -> handle.createQuery("""
            SELECT plan_id, name, region AS plan_region, device AS plan_device, amount_minor,
                   currency
            FROM plans ORDER BY rank IS NULL, rank, plan_id""")
        .map((rs, ctx) -> plan(rs))
        .list());
  }

  @Override
  public CompletableFuture<Subscription> reserve(String txnId, Subscription pending) {
    return db.writeGuardedAsync(handle -> barrier.reserve(handle, txnId,
        h -> insertPending(h, txnId, pending),
        h -> byTxn(h, txnId)));
  }

  @Override
  public CompletableFuture<Subscription> confirm(String txnId, Instant now) {
    return db.writeGuardedAsync(handle -> barrier.confirm(handle, txnId,
        h -> confirmPending(h, txnId, now),
        h -> byTxn(h, txnId)));
  }

  @Override
  public CompletableFuture<List<TxnResult<Subscription>>> confirmAll(List<String> txnIds,
      Instant now) {
    return db.writeGuardedAsync(handle -> barrier.confirmEach(handle, txnIds,
        (h, txnId) -> confirmPending(h, txnId, now), SqlSubscriptionRepository::byTxn));
  }

  private static Subscription confirmPending(Handle handle, String txnId, Instant now) {
    SUBSCRIPTIONS.confirm(handle, txnId, now.toEpochMilli());
    return byTxn(handle, txnId);
  }

  @Override
  public CompletableFuture<Void> cancel(String txnId) {
    return db.writeAsync(handle -> {
      barrier.cancel(handle, txnId, h -> SUBSCRIPTIONS.delete(h, txnId));
      return null;
    });
  }

  @Override
  public Optional<Subscription> findActive(String clientId) {
    return db.read(handle -> activeByClient(handle, clientId));
  }

  @Override
  public Optional<Subscription> changePlan(String clientId, Plan plan, Instant now) {
    return db.write(handle -> {
      int changed = handle.createUpdate("""
              UPDATE subscriptions SET plan_id = :plan, updated_at = :now
              WHERE client_id = :client AND status = 'ACTIVE'""")
          .bind("plan", plan.planId())
          .bind("now", now.toEpochMilli())
          .bind("client", clientId)
          .execute();
      return changed == 0 ? Optional.<Subscription>empty() : activeByClient(handle, clientId);
    });
  }

  @Override
  public List<String> claimReservedBefore(Instant cutoff, Instant claimUntil, int limit) {
    return db.write(h -> barrier.claimReservedBefore(h, db.dialect(), db.replica(),
        cutoff, claimUntil, limit));
  }

  private static Subscription insertPending(Handle handle, String txnId, Subscription pending) {
    try {
      handle.createUpdate("""
              INSERT INTO subscriptions (subscription_id, txn_id, client_id, plan_id, region,
                                         device, status, created_at, updated_at)
              VALUES (:id, :txn, :client, :plan, :region, :device, 'PENDING', :created,
                      :updated)""")
          .bind("id", pending.subscriptionId())
          .bind("txn", txnId)
          .bind("client", pending.clientId())
          .bind("plan", pending.plan().planId())
          .bind("region", pending.region())
          .bind("device", pending.device().name())
          .bind("created", pending.createdAt().toEpochMilli())
          .bind("updated", pending.updatedAt().toEpochMilli())
          .execute();
    } catch (UnableToExecuteStatementException e) {
      // The one place a constraint becomes a domain failure: one subscription per client.
      if (UniqueViolation.of(e).filter(v -> v.is("subscriptions", "client_id")).isPresent()) {
        throw new SubscriptionExistsException(pending.clientId());
      }
      throw e;
    }
    return pending;
  }

  private static Subscription byTxn(Handle handle, String txnId) {
    return handle.createQuery(SELECT_SUBSCRIPTION + " WHERE s.txn_id = :txn")
        .bind("txn", txnId)
        .map(SqlSubscriptionRepository::subscription)
        .findOne()
        .orElseThrow(() -> new IllegalStateException(
            "txn_id=" + txnId + " has a barrier record but no subscription row"));
  }

  private static Optional<Subscription> activeByClient(Handle handle, String clientId) {
    return handle.createQuery(
            SELECT_SUBSCRIPTION + " WHERE s.client_id = :client AND s.status = 'ACTIVE'")
        .bind("client", clientId)
        .map(SqlSubscriptionRepository::subscription)
        .findOne();
  }

  private static Subscription subscription(ResultSet rs, StatementContext ctx)
      throws SQLException {
    return new Subscription(
        rs.getString("subscription_id"),
        rs.getString("client_id"),
        plan(rs),
        Subscription.Status.valueOf(rs.getString("status")),
        rs.getString("region"),
        Device.valueOf(rs.getString("device")),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")));
  }

  private static Plan plan(ResultSet rs) throws SQLException {
    String device = rs.getString("plan_device");
    return new Plan(
        rs.getString("plan_id"),
        rs.getString("name"),
        rs.getString("plan_region"),
        device == null ? null : Device.valueOf(device),
        new Money(rs.getLong("amount_minor"), rs.getString("currency")));
  }
}
