package signup.common.security;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Directories and files that only their owner may read: the data directory holds password
 * hashes, e-mails and the internal token. Created so from the start (not chmod-ed afterwards,
 * which would leave a moment when anyone could open them); an existing file is left as it is
 * unless its owner asks for it to be tightened ({@link #restrictToOwner}).
 */
public final class PrivateFiles {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private PrivateFiles() {}

  /** Creates {@code dir} and its missing parents, each 0700. */
  public static void createDirectories(Path dir) throws IOException {
    Files.createDirectories(dir, attributes("rwx------"));
  }

  /** Creates {@code file} empty and 0600 unless it exists already. */
  public static void createFileIfMissing(Path file) throws IOException {
    try {
      Files.createFile(file, attributes("rw-------"));
    } catch (FileAlreadyExistsException exists) {
      // kept with its own mode: an operator may have chosen it
    }
  }

  /**
   * Makes an existing {@code file} 0600 if it is readable by others.
   *
   * @return whether its mode changed (false where POSIX is unknown or the file is missing)
   */
  public static boolean restrictToOwner(Path file) throws IOException {
    if (!POSIX || !Files.exists(file)) {
      return false;
    }
    Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
    if (Files.getPosixFilePermissions(file).equals(ownerOnly)) {
      return false;
    }
    Files.setPosixFilePermissions(file, ownerOnly);
    return true;
  }

  /** Owner-only permissions, as an attribute to create with (none where POSIX is unknown). */
  public static FileAttribute<?>[] attributes(String permissions) {
    return POSIX
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString(permissions))}
        : new FileAttribute<?>[0];
  }
}
