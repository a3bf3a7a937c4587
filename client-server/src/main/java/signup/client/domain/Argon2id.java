package signup.client.domain;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Argon2id function itself (RFC 9106, version 0x13): the raw hash of a password and a salt
 * at a cost. Two implementations give the same bytes for the same inputs, so a stored hash
 * verifies under either: the reference C library through JNA ({@link NativeArgon2id}) and Bouncy
 * Castle's pure Java ({@link BouncyCastleArgon2id}).
 *
 * <p>The native one is preferred because it keeps each hash's 19 MiB off the Java heap. Bouncy
 * Castle allocates those 19 MiB as 19,456 small blocks per hash; at a service's 256 MiB heap two
 * hashers then make G1 collect dozens of times a second, copying the blocks of the hashes in
 * progress, and two threads hash no faster than one (BENCHMARKS.md, "Production hashing"). With
 * a large heap the two are closer; without the native library (an unsupported platform, or no
 * writable temporary directory for JNA to unpack it into) Bouncy Castle stands in.
 */
public interface Argon2id {
  /** System property that picks one: {@code native}, {@code bouncycastle} or {@code auto}. */
  String IMPLEMENTATION_PROPERTY = "signup.argon2";

  /**
   * @param length bytes of hash wanted
   * @return {@code length} bytes; {@code password} is left as given (the caller clears it)
   */
  byte[] hash(byte[] password, byte[] salt, Argon2Settings cost, int length);

  /** "native (libargon2)" or "Bouncy Castle": for the start-up log line and benchmarks. */
  String name();

  /**
   * The implementation {@value #IMPLEMENTATION_PROPERTY} names, by default the native one when it
   * loads here and Bouncy Castle otherwise.
   *
   * @throws IllegalStateException when the property names an unknown implementation, or
   *     {@code native} and the native library does not load
   */
  static Argon2id preferred() {
    String choice = System.getProperty(IMPLEMENTATION_PROPERTY, "auto");
    return switch (choice) {
      case "bouncycastle" -> BouncyCastleArgon2id.INSTANCE;
      case "native" -> NativeArgon2id.load().orElseThrow(() -> new IllegalStateException(
          "-D" + IMPLEMENTATION_PROPERTY + "=native, but the native Argon2 library does not "
              + "load on this machine"));
      case "auto" -> Preferred.AUTO;
      default -> throw new IllegalStateException("-D" + IMPLEMENTATION_PROPERTY
          + " must be native, bouncycastle or auto, not " + choice);
    };
  }

  /** Loaded once per JVM: a failed load is not retried at every hasher. */
  final class Preferred {
    private static final Logger log = LoggerFactory.getLogger(Argon2id.class);
    static final Argon2id AUTO = NativeArgon2id.load().orElseGet(() -> {
      log.info("the native Argon2 library does not load here; hashing passwords with Bouncy "
          + "Castle (slower at a small heap)");
      return BouncyCastleArgon2id.INSTANCE;
    });

    private Preferred() {}
  }
}
