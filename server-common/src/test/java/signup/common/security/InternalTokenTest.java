package signup.common.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.common.security.InternalToken.UnusableTokenException;

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
        Map.of(InternalToken.ENV, "from-the-environment-0123456789abcdef"), file);

    assertTrue(token.matches("from-the-environment-0123456789abcdef"));
  }

  @Test
  void aShortTokenIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> InternalToken.of("short"));
    assertThrows(IllegalArgumentException.class,
        () -> InternalToken.of("thirty-one-characters-0123456789".substring(1)));
  }

  @Test
  void anEmptyTokenInTheEnvironmentIsRefusedInsteadOfFallingBackToTheFile() {
    Path file = dir.resolve(InternalToken.FILE_NAME);

    UnusableTokenException refused = assertThrows(UnusableTokenException.class,
        () -> InternalToken.load(Map.of(InternalToken.ENV, ""), file));

    assertEquals("SIGNUP_INTERNAL_TOKEN is set but empty: give it a token of at least 32 "
        + "characters (the same for every service), or unset it to use the token file",
        refused.getMessage());
    assertFalse(Files.exists(file), "no token of its own that the other services lack");
  }

  @Test
  void aTokenShorterThan32CharactersIsRefusedFromTheEnvironmentAndFromTheFile()
      throws Exception {
    Path file = dir.resolve(InternalToken.FILE_NAME);
    String twenty = "0123456789abcdefghij";

    UnusableTokenException fromEnvironment = assertThrows(UnusableTokenException.class,
        () -> InternalToken.load(Map.of(InternalToken.ENV, twenty), file));
    Files.writeString(file, twenty + "\n");
    UnusableTokenException fromFile = assertThrows(UnusableTokenException.class,
        () -> InternalToken.load(Map.of(), file));

    assertTrue(fromEnvironment.getMessage().startsWith("SIGNUP_INTERNAL_TOKEN is set but too "
        + "short"), fromEnvironment.getMessage());
    assertTrue(fromFile.getMessage().startsWith("the internal token file " + file
        + " holds fewer than 32 characters"), fromFile.getMessage());
    assertFalse(fromEnvironment.getMessage().contains(twenty), "never the token itself");
    assertFalse(fromFile.getMessage().contains(twenty), "never the token itself");
  }

  @Test
  void aTokenFileThatCannotBeCreatedIsOneSentenceNamingIt() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
    Path file = notADirectory.resolve(InternalToken.FILE_NAME);

    UnusableTokenException refused = assertThrows(UnusableTokenException.class,
        () -> InternalToken.load(Map.of(), file));

    assertTrue(refused.getMessage().startsWith("cannot create the internal token file " + file),
        refused.getMessage());
  }

  @Test
  void aNewTokenFileIsCreatedInADirectoryOnlyItsOwnerMayEnter() throws Exception {
    Path data = dir.resolve("new-data");

    InternalToken.load(Map.of(), data.resolve(InternalToken.FILE_NAME));

    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE), Files.getPosixFilePermissions(data));
  }

  @Test
  void twoDifferentDirectoriesGetDifferentTokens() {
    InternalToken a = InternalToken.load(Map.of(), dir.resolve("a").resolve("t"));
    InternalToken b = InternalToken.load(Map.of(), dir.resolve("b").resolve("t"));

    assertTrue(!a.matches(b.value()));
  }
}
