package signup.client.store;

import java.time.Instant;
import java.util.List;
import signup.client.security.SigningKeyStore;
import signup.common.store.Database;

/**
 * The token signing keys in the client database: every replica of client-server on the database signs
 * with the same newest key and publishes the same set. Jdbi renders no bound value into its
 * messages (see JdbiDefaults), so a private key cannot reach a log through a failed write.
 */
public final class SqlSigningKeyStore implements SigningKeyStore {
  private final Database db;

  public SqlSigningKeyStore(Database db) {
    this.db = db;
  }

  @Override
  public List<StoredKey> all() {
    return db.read(h -> h.createQuery(
            "SELECT kid, private_jwk, created_at FROM signing_keys ORDER BY created_at, kid")
        .map((rs, ctx) -> new StoredKey(rs.getString("kid"), rs.getString("private_jwk"),
            Instant.ofEpochMilli(rs.getLong("created_at"))))
        .list());
  }

  @Override
  public void addIfNewestBefore(StoredKey candidate, Instant newestCreatedBefore,
      Instant retiredBefore) {
    db.write(h -> {
      // In the writer's transaction: of two replicas rotating at once, the second sees the
      // first's key as new enough and adds nothing.
      Long newest = h.createQuery("SELECT max(created_at) FROM signing_keys")
          .mapTo(Long.class)
          .one();
      if (newest == null || newest < newestCreatedBefore.toEpochMilli()) {
        h.createUpdate("INSERT INTO signing_keys (kid, private_jwk, created_at)"
                + " VALUES (:kid, :jwk, :created)")
            .bind("kid", candidate.keyId())
            .bind("jwk", candidate.privateJwk())
            .bind("created", candidate.createdAt().toEpochMilli())
            .execute();
      }
      // A key whose successor came before retiredBefore signed no token still valid.
      h.createUpdate("""
              DELETE FROM signing_keys WHERE EXISTS (
                SELECT 1 FROM signing_keys successor
                WHERE successor.created_at > signing_keys.created_at
                  AND successor.created_at < :retired)""")
          .bind("retired", retiredBefore.toEpochMilli())
          .execute();
      return null;
    });
  }
}
