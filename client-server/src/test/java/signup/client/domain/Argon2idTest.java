package signup.client.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Argon2idTest {
  private static final Argon2id NATIVE = NativeArgon2id.load().orElseThrow(
      () -> new AssertionError("the native Argon2 library must load on the machines we test on"));
  private static final Argon2id JAVA = BouncyCastleArgon2id.INSTANCE;

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

  @Test
  void aHashMadeByEitherImplementationVerifiesUnderTheOther() {
    try (PasswordHasher nativeHasher = hasher(NATIVE);
        PasswordHasher javaHasher = hasher(JAVA)) {
      String byNative = nativeHasher.hash("pässwörd 🔑");
      String byJava = javaHasher.hash("pässwörd 🔑");
      assertTrue(javaHasher.verify("pässwörd 🔑", byNative));
      assertTrue(nativeHasher.verify("pässwörd 🔑", byJava));
      assertEquals(false, nativeHasher.verify("password", byJava));
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
  void bothAreChosenByTheSystemPropertyAndTheDefaultPrefersTheNativeLibrary() {
    assertEquals(NATIVE.name(), Argon2id.preferred().name());
    System.setProperty(Argon2id.IMPLEMENTATION_PROPERTY, "bouncycastle");
    assertEquals("Bouncy Castle", Argon2id.preferred().name());
    System.setProperty(Argon2id.IMPLEMENTATION_PROPERTY, "native");
    assertEquals("native (libargon2)", Argon2id.preferred().name());
    System.setProperty(Argon2id.IMPLEMENTATION_PROPERTY, "fast");
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        Argon2id::preferred);
    assertTrue(refused.getMessage().contains("native, bouncycastle or auto, not fast"));
  }

  private static PasswordHasher hasher(Argon2id implementation) {
    return new PasswordHasher(new Argon2Settings(256, 2, 1), implementation, 1,
        PasswordHasher.Listener.NONE, UnaryOperator.identity());
  }
}
