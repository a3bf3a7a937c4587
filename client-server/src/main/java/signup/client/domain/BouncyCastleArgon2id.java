package signup.client.domain;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/** Argon2id in pure Java: works everywhere, allocates each hash's memory on the heap. */
final class BouncyCastleArgon2id implements Argon2id {
  static final BouncyCastleArgon2id INSTANCE = new BouncyCastleArgon2id();

  private BouncyCastleArgon2id() {}

  @Override
  public byte[] hash(byte[] password, byte[] salt, Argon2Settings cost, int length) {
    Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(cost.memoryKiB())
        .withIterations(cost.iterations())
        .withParallelism(cost.parallelism())
        .withSalt(salt)
        .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(parameters);
    byte[] out = new byte[length];
    generator.generateBytes(password, out);
    return out;
  }

  @Override
  public String name() {
    return "Bouncy Castle";
  }
}
