package signup.cli;

import signup.bench.HashCost;
import signup.bench.LocalHashing;
import signup.client.domain.Argon2Settings;
import signup.client.domain.PasswordHasher;

/** The local limit hashes with client-server's own {@link PasswordHasher}, at the same cost. */
final class ClientLocalHashing implements LocalHashing {
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
