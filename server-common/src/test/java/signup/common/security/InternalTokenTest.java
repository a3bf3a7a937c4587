package signup.common.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InternalTokenTest {
  @TempDir Path dir;

  @Test
  void aMissingTokenFileIsCreatedReadableByItsOwnerOnly() throws Exception {
    Path file = dir.resolve("data").resolve(InternalToken.FILE_NAME);

    InternalToken token = InternalToken.load(Map.of(), file);

    assertTrue(Files.exists(file));
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(file));
    assertTrue(token.matches(Files.readString(file).strip()));
    assertTrue(Files.readString(file).strip().length() >= 40, "256 random bits");
  }

  @Test
  void everyServerOfOneDataDirectoryGetsTheSameToken() {
    Path file = dir.resolve(InternalToken.FILE_NAME);

    InternalToken first = InternalToken.load(Map.of(), file);
    InternalToken second = InternalToken.load(Map.of(), file);

    assertTrue(second.matches(first.value()));
  }

  @Test
  void theEnvironmentWinsOverTheFile() {
    Path file = dir.resolve(InternalToken.FILE_NAME);
    InternalToken.load(Map.of(), file);

    InternalToken token = InternalToken.load(
        Map.of(InternalToken.ENV, "from-the-environment-1234"), file);

    assertTrue(token.matches("from-the-environment-1234"));
  }

  @Test
  void aShortTokenIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> InternalToken.of("short"));
  }

  @Test
  void twoDifferentDirectoriesGetDifferentTokens() {
    InternalToken a = InternalToken.load(Map.of(), dir.resolve("a").resolve("t"));
    InternalToken b = InternalToken.load(Map.of(), dir.resolve("b").resolve("t"));

    assertTrue(!a.matches(b.value()));
  }
}
