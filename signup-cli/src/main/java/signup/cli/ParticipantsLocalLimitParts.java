package signup.cli;

import signup.bench.HashCost;
import signup.bench.LocalLimitParts;
import signup.client.domain.Argon2Settings;
import signup.client.domain.PasswordHasher;
import signup.client.store.ClientSchema;
import signup.common.store.DatabaseSpec;
import signup.subscription.store.SubscriptionSchema;

/**
 * The local limit hashes with client-server's own {@link PasswordHasher}, at the same cost, and
 * writes to the tables the participants' own migrations create, on SQLite or PostgreSQL alike.
 */
final class ParticipantsLocalLimitParts implements LocalLimitParts {
  /** "LOCL". */
  private static final int APPLICATION_ID = 0x4C4F434C;

  @Override
  public DatabaseSpec schema() {
    return DatabaseSpec.combining("local-limit", APPLICATION_ID, ClientSchema.SPEC,
        SubscriptionSchema.SPEC);
  }

  @Override
  public Hasher open(HashCost cost, int threads) {
    PasswordHasher hasher = new PasswordHasher(settings(cost), threads);
    return new Hasher() {
      @Override
      public String hash(String password) {
        return hasher.hash(password);
      }

      @Override
      public void close() {
        hasher.close();
      }
    };
  }

  @Override
  public String describe(HashCost cost) {
    Argon2Settings s = settings(cost);
    return "m=" + s.memoryKiB() + ",t=" + s.iterations() + ",p=" + s.parallelism();
  }

  private static Argon2Settings settings(HashCost cost) {
    return switch (cost) {
      case PRODUCTION -> Argon2Settings.OWASP;
      case MINIMUM -> Argon2Settings.MINIMUM;
    };
  }
}
