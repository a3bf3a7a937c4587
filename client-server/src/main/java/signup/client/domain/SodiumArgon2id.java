package signup.client.domain;

import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Argon2id from libsodium, called through JNA: the build lazysodium-java bundles for Linux,
 * macOS and Windows on x86-64 and ARM, else the system's. libsodium computes each block with
 * the CPU's vector instructions, picked at run time (AVX-512F, AVX2 or SSSE3), where the
 * reference library (argon2-jvm's build, and Debian's) copies and combines blocks word by word
 * to run on any x86-64: a fifth less CPU a hash here, for the same bytes (BENCHMARKS.md,
 * "Production hashing").
 *
 * <p>Only lazysodium's builds are used, not its loader: that unpacks the whole class path
 * (this jar: 180 MiB) into a new temporary directory at every start and leaves it there.
 *
 * <p>libsodium's {@code crypto_pwhash} takes one lane, a 16-byte salt and at least 16 bytes of
 * output: every hash this service makes. Anything else (a stored hash from other settings, the
 * empty password a log-in may be checked with) goes to {@code fallback}, which gives the same
 * bytes.
 */
final class SodiumArgon2id implements Argon2id {
  private static final Logger log = LoggerFactory.getLogger(SodiumArgon2id.class);
  /** {@code crypto_pwhash_ALG_ARGON2ID13}. */
  private static final int ALG_ARGON2ID13 = 2;
  /** {@code crypto_pwhash_SALTBYTES}. */
  private static final int SALT_BYTES = 16;
  /** {@code crypto_pwhash_BYTES_MIN}. */
  private static final int MIN_LENGTH = 16;

  /** The two functions used, as libsodium declares them. */
  interface Sodium extends Library {
    int sodium_init();

    int crypto_pwhash(byte[] out, long outlen, Pointer passwd, long passwdlen, byte[] salt,
        long opslimit, SizeT memlimit, int alg);
  }

  /** C's {@code size_t}: 4 or 8 bytes, as the platform has it. */
  public static final class SizeT extends IntegerType {
    private static final long serialVersionUID = 1L;

    /** For JNA. */
    public SizeT() {
      this(0);
    }

    SizeT(long value) {
      super(Native.SIZE_T_SIZE, value, true);
    }
  }

  private final Sodium sodium;
  private final Argon2id fallback;

  private SodiumArgon2id(Sodium sodium, Argon2id fallback) {
    this.sodium = sodium;
    this.fallback = fallback;
  }

  /**
   * libsodium, if its library loads here and gives the bytes {@code fallback} gives (the
   * bundled build first, the system's if that cannot be unpacked or loaded); empty otherwise.
   */
  static Optional<Argon2id> load(Argon2id fallback) {
    for (LoadFrom from : LoadFrom.values()) {
      try {
        Optional<Sodium> sodium = from.load();
        // sodium_init is also where libsodium looks at the CPU and picks its block function:
        // without it, the portable one.
        if (sodium.isEmpty() || sodium.get().sodium_init() < 0) {
          continue;
        }
        SodiumArgon2id loaded = new SodiumArgon2id(sodium.get(), fallback);
        // Hash once now, so that a library that loads but cannot hash, or hashes otherwise (a
        // system build older or odder than ours), fails here rather than a caller.
        byte[] probe = "probe".getBytes(StandardCharsets.US_ASCII);
        byte[] salt = new byte[SALT_BYTES];
        if (!Arrays.equals(loaded.hash(probe, salt, Argon2Settings.MINIMUM, 32),
            fallback.hash(probe, salt, Argon2Settings.MINIMUM, 32))) {
          log.info("the {} libsodium gives other bytes than {}: not used", from.label,
              fallback.name());
          continue;
        }
        return Optional.of(loaded);
      } catch (LinkageError | RuntimeException | IOException e) {
        log.info("the {} libsodium does not load here: {}", from.label, e.toString());
      }
    }
    return Optional.empty();
  }

  /** Where the library comes from, in the order tried. */
  enum LoadFrom {
    BUNDLED("bundled") {
      @Override
      Optional<Sodium> load() throws IOException {
        Optional<String> resource = bundledLibrary();
        if (resource.isEmpty()) {
          return Optional.empty();
        }
        try (InputStream in = SodiumArgon2id.class.getResourceAsStream("/" + resource.get())) {
          if (in == null) {
            return Optional.empty();
          }
          // A new file of this user's only (createTempFile's: mode 0600, a name no other user of
          // a shared /tmp can know in advance), where JNA unpacks its own libraries when told
          // to (jna.tmpdir, for a /tmp mounted noexec).
          String suffix = resource.get().substring(resource.get().lastIndexOf('.'));
          String jnaTmpdir = System.getProperty("jna.tmpdir");
          Path unpacked = jnaTmpdir == null ? Files.createTempFile("signup-libsodium", suffix)
              : Files.createTempFile(Path.of(jnaTmpdir), "signup-libsodium", suffix);
          try {
            // Written into the file createTempFile made, which keeps its mode.
            try (OutputStream out = Files.newOutputStream(unpacked)) {
              in.transferTo(out);
            }
            return Optional.of(Native.load(unpacked.toString(), Sodium.class));
          } finally {
            // Loaded, the library needs no file. Windows will not remove one in use: there it
            // goes when the JVM exits, if then.
            try {
              Files.delete(unpacked);
            } catch (IOException inUse) {
              unpacked.toFile().deleteOnExit();
            }
          }
        }
      }
    },
    SYSTEM("system's") {
      @Override
      Optional<Sodium> load() {
        return Optional.of(Native.load("sodium", Sodium.class));
      }
    };

    private final String label;

    LoadFrom(String label) {
      this.label = label;
    }

    abstract Optional<Sodium> load() throws IOException;
  }

  /** Where lazysodium-java's jar keeps the build for this platform, if it has one. */
  static Optional<String> bundledLibrary() {
    if (Platform.isWindows()) {
      return Optional.of(Platform.is64Bit() ? "windows64/libsodium.dll" : "windows/libsodium.dll");
    }
    if (Platform.isMac()) {
      return Optional.of(Platform.isARM() ? "mac/aarch64/libsodium.dylib"
          : "mac/intel/libsodium.dylib");
    }
    if (Platform.isLinux()) {
      if (Platform.isARM()) {
        return Optional.of(Platform.is64Bit() ? "arm64/libsodium.so" : "armv6/libsodium.so");
      }
      if (Platform.isIntel()) {
        return Optional.of(Platform.is64Bit() ? "linux64/libsodium.so" : "linux/libsodium.so");
      }
    }
    return Optional.empty();
  }

  /** Whether libsodium computes this hash itself, rather than the fallback. */
  static boolean takes(byte[] password, byte[] salt, Argon2Settings cost, int length) {
    return cost.parallelism() == 1 && salt.length == SALT_BYTES && length >= MIN_LENGTH
        && password.length > 0;
  }

  @Override
  public byte[] hash(byte[] password, byte[] salt, Argon2Settings cost, int length) {
    if (!takes(password, salt, cost, length)) {
      return fallback.hash(password, salt, cost, length);
    }
    byte[] hash = new byte[length];
    int result;
    // The password goes through native memory of our own, wiped after the call: a byte[]
    // argument would be copied by JNA into memory freed unwiped. (The caller wipes its array.)
    try (Memory secret = new Memory(password.length)) {
      secret.write(0, password, 0, password.length);
      try {
        result = sodium.crypto_pwhash(hash, length, secret, password.length, salt,
            cost.iterations(), new SizeT(cost.memoryKiB() * 1024L), ALG_ARGON2ID13);
      } finally {
        secret.clear();
      }
    }
    if (result != 0) {
      // The settings are within libsodium's bounds (checked above and by Argon2Settings), so
      // this is its allocation of the hash's memory failing.
      throw new IllegalStateException("libsodium could not compute an Argon2id hash of "
          + cost.memoryKiB() + " KiB (out of memory?)");
    }
    return hash;
  }

  @Override
  public String name() {
    return "native (libsodium)";
  }
}
