package signup.common.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The shared secret the services present to each other on internal calls (reserve, confirm,
 * cancel, resolve). Compared in constant time; never printed.
 */
public final class InternalToken {
  /** Environment variable that, when set, gives the token directly (it wins over the file). */
  public static final String ENV = "SIGNUP_INTERNAL_TOKEN";
  /** The file the embedded default uses, in the data directory. */
  public static final String FILE_NAME = "internal.token";
  /** 32 characters: the generated token has 43 (256 random bits); a guessable one is refused. */
  public static final int MIN_LENGTH = 32;

  private final byte[] secret;

  private InternalToken(String secret) {
    if (secret.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(
          "the internal token must be at least " + MIN_LENGTH + " characters");
    }
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  public static InternalToken of(String secret) {
    return new InternalToken(secret.strip());
  }

  /**
   * The token from {@value #ENV} if set, else from {@code file}, which is created with a fresh
   * random token (mode 0600, in a directory created 0700) when missing: so that every server
   * sharing a data directory, and {@code signup up}, agree on it without any set-up.
   *
   * @throws UnusableTokenException when {@value #ENV} is set but empty or too short (falling
   *     back to the file would make this server disagree with the others, silently), or the
   *     file cannot be created or read, or holds too short a token
   */
  public static InternalToken load(Map<String, String> environment, Path file) {
    String fromEnvironment = environment.get(ENV);
    if (fromEnvironment != null) {
      return checked(fromEnvironment, ENV + " is set but "
          + (fromEnvironment.isBlank() ? "empty" : "too short") + ": give it a token of at least "
          + MIN_LENGTH + " characters (the same for every service), or unset it to use the "
          + "token file");
    }
    try {
      if (!Files.exists(file)) {
        createRandom(file);
      }
      return checked(Files.readString(file, StandardCharsets.UTF_8), "the internal token file "
          + file + " holds fewer than " + MIN_LENGTH + " characters: delete it to have a new "
          + "one made, or write a longer token into it");
    } catch (AccessDeniedException e) {
      String why = Files.exists(file) ? "cannot read the internal token file " + file
          + ": permission denied"
          : "cannot create the internal token file " + file + ": this user may not write "
              + file.toAbsolutePath().getParent();
      throw new UnusableTokenException(why + " (set " + ENV + ", or --token-file to a file "
          + "this user may read)", e);
    } catch (IOException e) {
      throw new UnusableTokenException("cannot " + (Files.exists(file) ? "read" : "create")
          + " the internal token file " + file + ": " + e, e);
    }
  }

  private static InternalToken checked(String secret, String ifTooShort) {
    if (secret.strip().length() < MIN_LENGTH) {
      throw new UnusableTokenException(ifTooShort, null);
    }
    return of(secret);
  }

  private static void createRandom(Path file) throws IOException {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Path dir = file.toAbsolutePath().getParent();
    PrivateFiles.createDirectories(dir);
    // Written in full to a private temporary file, then linked into place: a server starting at
    // the same moment sees either no file or the whole token, and the first link wins.
    Path temporary = Files.createTempFile(dir, ".internal-token", ".tmp",
        PrivateFiles.attributes("rw-------"));
    try {
      Files.writeString(temporary, token + "\n", StandardCharsets.UTF_8);
      Files.createLink(file, temporary);
    } catch (FileAlreadyExistsException raced) {
      // another server of the same data directory made it first: use theirs
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Constant-time comparison, so the time taken says nothing about how much matched. */
  public boolean matches(String presented) {
    return presented != null
        && MessageDigest.isEqual(secret, presented.getBytes(StandardCharsets.UTF_8));
  }

  /** The value to send; only the transport adapters call this. */
  public String value() {
    return new String(secret, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "InternalToken[redacted]";
  }

  /** No usable token: the server cannot start. The message says what to fix, never the token. */
  public static final class UnusableTokenException extends RuntimeException {
    UnusableTokenException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
