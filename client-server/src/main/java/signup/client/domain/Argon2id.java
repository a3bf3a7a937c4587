package signup.client.domain;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Argon2id function itself (RFC 9106, version 0x13): the raw hash of a password and a salt
 * at a cost. Three implementations give the same bytes for the same inputs, so a stored hash
 * verifies under any: libsodium ({@link SodiumArgon2id}) and the reference C library
 * ({@link NativeArgon2id}), both through JNA, and Bouncy Castle's pure Java
 * ({@link BouncyCastleArgon2id}).
 *
 * <p>The native ones keep each hash's 19 MiB off the Java heap. Bouncy Castle allocates those
 * 19 MiB as 19,456 small blocks per hash; at a service's 256 MiB heap two hashers then make G1
 * collect dozens of times a second, copying the blocks of the hashes in progress, and two
 * threads hash no faster than one (BENCHMARKS.md, "Production hashing"). Of the two native
 * ones libsodium is preferred: it uses the CPU's vector instructions, and takes a fifth less CPU
 * a hash here. Without either library (an unsupported platform, or no writable temporary
 * directory for JNA to unpack them into) Bouncy Castle stands in.
 */
public interface Argon2id {
  /**
   * System property that picks one: {@code libsodium}, {@code libargon2} (also {@code native}, its
   * name before libsodium), {@code bouncycastle} or {@code auto}.
   */
  String IMPLEMENTATION_PROPERTY = "signup.argon2";

  /**
   * @param length bytes of hash wanted
   * @return {@code length} bytes; {@code password} is left as given (the caller clears it)
   */
  byte[] hash(byte[] password, byte[] salt, Argon2Settings cost, int length);

  /** "native (libsodium)", "native (libargon2)" or "Bouncy Castle": for logs and benchmarks. */
  String name();

  /**
   * The implementation {@value #IMPLEMENTATION_PROPERTY} names; by default the first that loads
   * here of libsodium, the reference library and Bouncy Castle.
   *
   * @throws IllegalStateException when the property names an unknown implementation, or a
   *     native one whose library does not load
   */
  static Argon2id preferred() {
    String choice = System.getProperty(IMPLEMENTATION_PROPERTY, "auto");
    return switch (choice) {
      case "bouncycastle" -> BouncyCastleArgon2id.INSTANCE;
      case "libargon2", "native" -> Loaded.Libargon2.ONCE.orElseThrow(() -> notLoading(choice));
      case "libsodium" -> Loaded.Libsodium.ONCE.orElseThrow(() -> notLoading(choice));
      case "auto" -> Loaded.Auto.ONCE;
      default -> throw new IllegalStateException("-D" + IMPLEMENTATION_PROPERTY
          + " must be libsodium, libargon2, bouncycastle or auto, not " + choice);
    };
  }

  private static IllegalStateException notLoading(String choice) {
    return new IllegalStateException("-D" + IMPLEMENTATION_PROPERTY + "=" + choice
        + ", but that native library does not load on this machine");
  }

  /**
   * Each native library loaded once per JVM (a failed load is not retried at every hasher),
   * and only when asked for: choosing libargon2 loads no libsodium.
   */
  final class Loaded {
    private Loaded() {}

    static final class Libargon2 {
      static final Optional<Argon2id> ONCE = NativeArgon2id.load();
    }

    /** What libsodium does not take goes to the reference library, or Bouncy Castle. */
    static final class Libsodium {
      static final Optional<Argon2id> ONCE =
          SodiumArgon2id.load(Libargon2.ONCE.orElse(BouncyCastleArgon2id.INSTANCE));
    }

    static final class Auto {
      private static final Logger log = LoggerFactory.getLogger(Argon2id.class);
      static final Argon2id ONCE = Libsodium.ONCE.or(() -> Libargon2.ONCE).orElseGet(() -> {
        log.info("no native Argon2 library loads here; hashing passwords with Bouncy Castle "
            + "(slower at a small heap)");
        return BouncyCastleArgon2id.INSTANCE;
      });
    }
  }
}
