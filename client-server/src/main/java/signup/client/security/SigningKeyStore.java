package signup.client.security;

import java.time.Instant;
import java.util.List;

/** Where the token signing keys are kept, shared by every replica of client-server. */
public interface SigningKeyStore {
  /**
   * One signing key. {@link #toString()} leaves the private key out.
   *
   * @param privateJwk the key as a JSON Web Key, private part included
   */
  record StoredKey(String keyId, String privateJwk, Instant createdAt) {
    @Override
    public String toString() {
      return "StoredKey[kid=" + keyId + ", createdAt=" + createdAt + "]";
    }
  }

  /** Every key kept, oldest first. */
  List<StoredKey> all();

  /**
   * In one write: adds {@code candidate} unless a key created at or after
   * {@code newestCreatedBefore} exists (so two replicas rotating at once add one key), and drops
   * the keys whose successor was created before {@code retiredBefore}.
   */
  void addIfNewestBefore(StoredKey candidate, Instant newestCreatedBefore, Instant retiredBefore);
}
