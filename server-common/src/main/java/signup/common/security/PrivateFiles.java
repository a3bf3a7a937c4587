package signup.common.security;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Directories and files that only their owner may read: the data directory holds password
 * hashes, e-mails and the internal token. Created so from the start (not chmod-ed afterwards,
 * which would leave a moment when anyone could open them); existing ones are left as they are.
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

  /** Owner-only permissions, as an attribute to create with (none where POSIX is unknown). */
  public static FileAttribute<?>[] attributes(String permissions) {
    return POSIX
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString(permissions))}
        : new FileAttribute<?>[0];
  }
}
