package signup.client.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Argon2idTest {
  private static final Argon2id NATIVE = NativeArgon2id.load().orElseThrow(
      () -> new AssertionError("the native Argon2 library must load on the machines we test on"));
  private static final Argon2id JAVA = BouncyCastleArgon2id.INSTANCE;
  /** Falling back to Bouncy Castle, so that what it hands on is checked against libargon2. */
  private static final Argon2id SODIUM = SodiumArgon2id.load(JAVA).orElseThrow(
      () -> new AssertionError("libsodium must load on the machines we test on"));

  @AfterEach
  void clearProperty() {
    System.clearProperty(Argon2id.IMPLEMENTATION_PROPERTY);
  }

  @ParameterizedTest(name = "m={0} KiB, t={1}, p={2}, {3} bytes")
  @CsvSource({"8,1,1,32", "64,1,1,16", "256,2,1,32", "1024,3,2,64", "19456,2,1,32"})
  void theNativeLibraryAndBouncyCastleGiveTheSameBytes(int memoryKiB, int iterations,
      int parallelism, int length) {
    Random random = new Random(memoryKiB * 31L + length);
    Argon2Settings cost = new Argon2Settings(memoryKiB, iterations, parallelism);
    for (int i = 0; i < 3; i++) {
      byte[] password = new byte[1 + random.nextInt(40)];
      byte[] salt = new byte[8 + random.nextInt(57)];
      random.nextBytes(password);
      random.nextBytes(salt);
      assertArrayEquals(JAVA.hash(password, salt, cost, length),
          NATIVE.hash(password, salt, cost, length));
    }
  }

  @Test
  void anEmptyPasswordHashesAlikeToo() {
    byte[] salt = "somesalt".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertArrayEquals(JAVA.hash(new byte[0], salt, Argon2Settings.MINIMUM, 32),
        NATIVE.hash(new byte[0], salt, Argon2Settings.MINIMUM, 32));
  }

  @ParameterizedTest(name = "m={0} KiB, t={1}, {2} bytes")
  @CsvSource({"8,1,16", "8,1,32", "64,1,64", "256,2,32", "1024,3,32", "19456,2,32"})
  void libsodiumGivesTheSameBytesAsTheReferenceLibraryForTheHashesItTakes(int memoryKiB,
      int iterations, int length) {
    Random random = new Random(memoryKiB * 17L + length);
    Argon2Settings cost = new Argon2Settings(memoryKiB, iterations, 1);
    for (int i = 0; i < 3; i++) {
      byte[] password = new byte[1 + random.nextInt(40)];
      byte[] salt = new byte[PasswordHasher.SALT_BYTES];
      random.nextBytes(password);
      random.nextBytes(salt);
      assertTrue(SodiumArgon2id.takes(password, salt, cost, length));
      assertArrayEquals(NATIVE.hash(password, salt, cost, length),
          SODIUM.hash(password, salt, cost, length));
    }
  }

  @Test
  void libsodiumHandsWhatItCannotTakeToItsFallbackAndTakesTheRestItself() {
    List<String> handedOn = new ArrayList<>();
    Argon2id recordingFallback = new Argon2id() {
      @Override
      public byte[] hash(byte[] password, byte[] salt, Argon2Settings cost, int length) {
        handedOn.add("p=" + cost.parallelism() + " salt=" + salt.length + " length=" + length
            + " password=" + password.length);
        return NATIVE.hash(password, salt, cost, length);
      }

      @Override
      public String name() {
        return "recording";
      }
    };
    Argon2id sodium = SodiumArgon2id.load(recordingFallback).orElseThrow();
    handedOn.clear();
    byte[] password = "password".getBytes(StandardCharsets.UTF_8);
    byte[] salt16 = new byte[16];
    Argon2Settings oneLane = new Argon2Settings(64, 1, 1);
    Argon2Settings twoLanes = new Argon2Settings(64, 1, 2);

    sodium.hash(password, salt16, oneLane, 32);
    assertEquals(List.of(), handedOn, "a hash this service makes is libsodium's own");

    // Each still gives the reference library's bytes, by way of the fallback.
    assertArrayEquals(NATIVE.hash(password, salt16, twoLanes, 32),
        sodium.hash(password, salt16, twoLanes, 32));
    assertArrayEquals(NATIVE.hash(password, new byte[8], oneLane, 32),
        sodium.hash(password, new byte[8], oneLane, 32));
    assertArrayEquals(NATIVE.hash(password, salt16, oneLane, 8),
        sodium.hash(password, salt16, oneLane, 8));
    assertArrayEquals(JAVA.hash(new byte[0], salt16, oneLane, 32),
        sodium.hash(new byte[0], salt16, oneLane, 32));
    assertEquals(List.of("p=2 salt=16 length=32 password=8", "p=1 salt=8 length=32 password=8",
        "p=1 salt=16 length=8 password=8", "p=1 salt=16 length=32 password=0"), handedOn);
  }

  @Test
  void libsodiumIsNotUsedWhereItsBytesDifferFromItsFallbacks() {
    Argon2id allZeros = new Argon2id() {
      @Override
      public byte[] hash(byte[] password, byte[] salt, Argon2Settings cost, int length) {
        return new byte[length];
      }

      @Override
      public String name() {
        return "all zeros";
      }
    };

    assertEquals(Optional.empty(), SodiumArgon2id.load(allZeros));
  }

  @Test
  void theBundledLibsodiumLoadsHereAndLeavesNoFileBehind() throws Exception {
    Path temp = Path.of(System.getProperty("java.io.tmpdir"));
    int before = unpackedLibraries(temp);
    assertTrue(SodiumArgon2id.LoadFrom.BUNDLED.load().isPresent());
    assertEquals(before, unpackedLibraries(temp));
  }

  private static int unpackedLibraries(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return (int) files.filter(f -> f.getFileName().toString().startsWith("signup-libsodium"))
          .count();
    }
  }

  @Test
  void aHashMadeByAnyImplementationVerifiesUnderTheOthers() {
    try (PasswordHasher sodiumHasher = hasher(SODIUM);
        PasswordHasher nativeHasher = hasher(NATIVE);
        PasswordHasher javaHasher = hasher(JAVA)) {
      List<PasswordHasher> hashers = List.of(sodiumHasher, nativeHasher, javaHasher);
      for (PasswordHasher making : hashers) {
        String stored = making.hash("pässwörd 🔑");
        for (PasswordHasher verifying : hashers) {
          assertTrue(verifying.verify("pässwörd 🔑", stored));
          assertEquals(false, verifying.verify("password", stored));
        }
      }
    }
  }

  @Test
  void theReferenceImplementationsPublishedHashVerifiesUnderTheNativeLibrary() {
    // phc-winner-argon2's src/test.c: argon2id, password "password", salt "somesalt".
    try (PasswordHasher nativeHasher = hasher(NATIVE)) {
      assertTrue(nativeHasher.verify("password", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$"
          + "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"));
    }
  }

  @Test
  void eachIsChosenByTheSystemPropertyAndTheDefaultPrefersLibsodium() {
    assertEquals("native (libsodium)", Argon2id.preferred().name());
    System.setProperty(Argon2id.IMPLEMENTATION_PROPERTY, "bouncycastle");
    assertEquals("Bouncy Castle", Argon2id.preferred().name());
    System.setProperty(Argon2id.IMPLEMENTATION_PROPERTY, "libargon2");
    assertEquals("native (libargon2)", Argon2id.preferred().name());
    System.setProperty(Argon2id.IMPLEMENTATION_PROPERTY, "native");
    assertEquals("native (libargon2)", Argon2id.preferred().name());
    System.setProperty(Argon2id.IMPLEMENTATION_PROPERTY, "libsodium");
    assertEquals("native (libsodium)", Argon2id.preferred().name());
    System.setProperty(Argon2id.IMPLEMENTATION_PROPERTY, "fast");
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        Argon2id::preferred);
    assertTrue(refused.getMessage().contains(
        "libsodium, libargon2, bouncycastle or auto, not fast"));
  }

  private static PasswordHasher hasher(Argon2id implementation) {
    return new PasswordHasher(new Argon2Settings(256, 2, 1), implementation, 1,
        PasswordHasher.Listener.NONE, UnaryOperator.identity());
  }
}
