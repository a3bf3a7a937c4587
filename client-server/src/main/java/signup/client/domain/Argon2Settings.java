package signup.client.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * The cost of an Argon2id hash. New hashes use these; a stored hash carries its own, so they can
 * be raised later without breaking the hashes already stored.
 *
 * @param memoryKiB memory per hash, in KiB
 * @param iterations passes over the memory
 * @param parallelism lanes
 */
public record Argon2Settings(int memoryKiB, int iterations, int parallelism) {
  /** OWASP's recommended minimum for Argon2id (m=19 MiB, t=2, p=1): ~50 ms a hash here. */
  public static final Argon2Settings OWASP = new Argon2Settings(19_456, 2, 1);

  /**
   * The cheapest hash the bounds allow (m=8 KiB, t=1, p=1), microseconds a hash. For benchmarks
   * only: it takes the deliberate cost of hashing out of a measurement of the protocol, and
   * protects no password.
   */
  public static final Argon2Settings MINIMUM = new Argon2Settings(8, 1, 1);

  /** Bounds of what is accepted, from settings or from a stored hash (a corrupt one must not
   * make the server allocate gigabytes). */
  static final int MAX_MEMORY_KIB = 1 << 20;
  static final int MAX_ITERATIONS = 64;
  static final int MAX_PARALLELISM = 16;

  public Argon2Settings {
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      throw new IllegalArgumentException("parallelism must be 1-" + MAX_PARALLELISM);
    }
    if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
      throw new IllegalArgumentException(
          "memory must be between 8 x parallelism and " + MAX_MEMORY_KIB + " KiB");
    }
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException("iterations must be 1-" + MAX_ITERATIONS);
    }
  }

  /**
   * The settings an option names: {@code owasp} or {@code minimum}, in any case; empty for
   * anything else (the option's reader says what it accepts).
   */
  public static Optional<Argon2Settings> named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "owasp" -> Optional.of(OWASP);
      case "minimum" -> Optional.of(MINIMUM);
      default -> Optional.empty();
    };
  }

  /** Whether a hash under these settings is cheaper to attack than under {@code other}. */
  public boolean weakerThan(Argon2Settings other) {
    return memoryKiB < other.memoryKiB || iterations < other.iterations;
  }
}
