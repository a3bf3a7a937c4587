package signup.client.domain;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Version;
import java.util.Optional;

/**
 * Argon2id from the reference C library (argon2-jvm bundles it for Linux, macOS and Windows on
 * x86-64 and ARM and calls it through JNA). Each hash's memory is malloc'ed and freed by the
 * library: off the Java heap, so it costs no garbage collection, and at most one hash's worth per
 * hasher thread is held at once.
 */
final class NativeArgon2id implements Argon2id {
  private final Argon2Advanced argon2;

  private NativeArgon2id(Argon2Advanced argon2) {
    this.argon2 = argon2;
  }

  /** The native implementation, if its library loads and hashes here; empty otherwise. */
  static Optional<Argon2id> load() {
    try {
      NativeArgon2id loaded =
          new NativeArgon2id(Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id));
      // Loading is lazy: hash once now, so a library that cannot load fails here, not a caller.
      loaded.hash(new byte[1], new byte[16], Argon2Settings.MINIMUM, 32);
      return Optional.of(loaded);
    } catch (LinkageError | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public byte[] hash(byte[] password, byte[] salt, Argon2Settings cost, int length) {
    if (password.length == 0) {
      // The binding cannot pass an empty buffer (JNA refuses to allocate 0 bytes); Bouncy Castle
      // gives the same bytes, and an empty password is only ever verified, never stored.
      return BouncyCastleArgon2id.INSTANCE.hash(password, salt, cost, length);
    }
    return argon2.rawHashAdvanced(cost.iterations(), cost.memoryKiB(), cost.parallelism(),
        password, salt, null, null, length, Argon2Version.V13);
  }

  @Override
  public String name() {
    return "native (libargon2)";
  }
}
