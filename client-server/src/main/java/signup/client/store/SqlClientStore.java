package signup.client.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import signup.client.domain.Client;
import signup.client.domain.ClientStore;
import signup.client.domain.Credentials;
import signup.client.domain.EmailTakenException;
import signup.client.domain.PendingClient;
import signup.common.domain.Device;
import signup.common.domain.InvalidInputException;
import signup.common.domain.TxnResult;
import signup.common.store.Database;
import signup.common.store.PendingRows;
import signup.common.store.TccBarrier;
import signup.common.store.UniqueViolation;

/**
 * Clients in SQL, on SQLite or PostgreSQL: each write one atomic write of the {@link Database}
 * (on SQLite a unit of its group-committing writer), with the barrier row beside the client row;
 * a write's future completes once it is durable. Reads go to the read-only connections and see
 * confirmed clients only. The e-mail's unique index holds across every replica sharing a
 * PostgreSQL database.
 */
public final class SqlClientStore implements ClientStore {
  private static final PendingRows CLIENTS =
      new PendingRows("clients", "CONFIRMED", "confirmed_at");
  private static final String COLUMNS =
      "client_id, email, name, region, device, created_at AS shown_at";

  private final Database db;
  private final TccBarrier barrier;
  private final InstantSource clock;

  public SqlClientStore(Database db, InstantSource clock) {
    this.db = db;
    this.barrier = new TccBarrier(clock, CLIENTS, db.dialect());
    this.clock = clock;
  }

  @Override
  public CompletableFuture<Client> reserve(PendingClient pending) {
    return db.writeGuardedAsync(handle -> barrier.reserve(handle, pending.txnId(),
        h -> insertPending(h, pending),
        h -> byTxn(h, pending.txnId())));
  }

  @Override
  public CompletableFuture<Client> confirm(String txnId) {
    return db.writeGuardedAsync(handle -> barrier.confirm(handle, txnId,
        h -> confirmPending(h, txnId),
        h -> byTxn(h, txnId)));
  }

  @Override
  public CompletableFuture<List<TxnResult<Client>>> confirmAll(List<String> txnIds) {
    return db.writeGuardedAsync(handle -> barrier.confirmEach(handle, txnIds,
        this::confirmPending, SqlClientStore::byTxn));
  }

  @Override
  public CompletableFuture<Void> cancel(String txnId) {
    return db.writeAsync(handle -> {
      barrier.cancel(handle, txnId, h -> CLIENTS.delete(h, txnId));
      return null;
    });
  }

  @Override
  public Optional<Client> findConfirmed(String clientId) {
    return db.read(h -> h.createQuery("SELECT " + COLUMNS
            + " FROM clients WHERE client_id = :id AND status = 'CONFIRMED'")
        .bind("id", clientId)
        .map(SqlClientStore::client)
        .findOne());
  }

  @Override
  public Optional<Client> findConfirmedByEmail(String email) {
    return db.read(h -> h.createQuery("SELECT " + COLUMNS
            + " FROM clients WHERE email = :email AND status = 'CONFIRMED'")
        .bind("email", email)
        .map(SqlClientStore::client)
        .findOne());
  }

  @Override
  public Optional<Credentials> findCredentials(String email) {
    return db.read(h -> h.createQuery("SELECT client_id, email, password_hash FROM clients"
            + " WHERE email = :email AND status = 'CONFIRMED'")
        .bind("email", email)
        .map((rs, ctx) -> new Credentials(rs.getString("client_id"), rs.getString("email"),
            rs.getString("password_hash")))
        .findOne());
  }

  @Override
  public List<String> claimReservedBefore(Instant cutoff, Instant claimUntil, int limit) {
    return db.write(h -> barrier.claimReservedBefore(h, db.dialect(), db.replica(),
        cutoff, claimUntil, limit));
  }

  private Client confirmPending(Handle h, String txnId) {
    CLIENTS.confirm(h, txnId, clock.millis());
    return byTxn(h, txnId);
  }

  private Client insertPending(Handle h, PendingClient pending) {
    try {
      h.createUpdate("""
              INSERT INTO clients (client_id, txn_id, email, name, password_hash, region, device,
                                   status, created_at)
              VALUES (:client, :txn, :email, :name, :hash, :region, :device, 'PENDING', :now)""")
          .bind("client", pending.clientId())
          .bind("txn", pending.txnId())
          .bind("email", pending.email())
          .bind("name", pending.name())
          .bind("hash", pending.passwordHash())
          .bind("region", pending.region())
          .bind("device", pending.device().name())
          .bind("now", clock.millis())
          // Jdbi puts the bound values into its exception messages by default: not the hash.
          .configure(StatementExceptions.class,
              c -> c.setMessageRendering(StatementExceptions.MessageRendering.NONE))
          .execute();
    } catch (UnableToExecuteStatementException e) {
      throw translate(e);
    }
    return byTxn(h, pending.txnId());
  }

  /**
   * The one place where constraint violations become domain exceptions. The txn_id cannot
   * collide here: the barrier row, inserted just before in the same transaction, guards it.
   */
  private static RuntimeException translate(UnableToExecuteStatementException e) {
    Optional<UniqueViolation> violation = UniqueViolation.of(e);
    if (violation.isPresent() && violation.get().is("clients", "email")) {
      return new EmailTakenException();
    }
    if (violation.isPresent() && violation.get().is("clients", "client_id")) {
      return InvalidInputException.of("client_id", "already used by another transaction");
    }
    return e;
  }

  private static Client byTxn(Handle h, String txnId) {
    return h.createQuery("SELECT " + COLUMNS + " FROM clients WHERE txn_id = :txn")
        .bind("txn", txnId)
        .map(SqlClientStore::client)
        .findOne()
        .orElseThrow(() -> new IllegalStateException(
            "txn_id=" + txnId + " has a barrier row but no client row"));
  }

  private static Client client(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Client(rs.getString("client_id"), rs.getString("email"), rs.getString("name"),
        rs.getString("region"), Device.valueOf(rs.getString("device")),
        Instant.ofEpochMilli(rs.getLong("shown_at")));
  }
}
