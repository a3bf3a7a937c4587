package signup.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where PostgreSQL's server programs are, for a benchmark that starts a server of its own: a
 * directory holding {@code initdb}, {@code pg_ctl} and {@code postgres}, on the PATH or, as
 * Debian's {@code postgresql} package installs them (off the PATH), under
 * {@code /usr/lib/postgresql/<version>/bin}, the newest version first.
 */
final class PostgresBinaries {
  static final List<String> PROGRAMS = List.of("initdb", "pg_ctl", "postgres");
  static final Path DEBIAN = Path.of("/usr/lib/postgresql");

  private PostgresBinaries() {}

  /**
   * @param path the PATH variable's value; null for none
   * @param debian where Debian's versions are, {@link #DEBIAN} outside tests
   */
  static Optional<Path> find(String path, Path debian) {
    if (path != null) {
      for (String entry : path.split(File.pathSeparator)) {
        if (!entry.isBlank() && hasAll(Path.of(entry))) {
          return Optional.of(Path.of(entry));
        }
      }
    }
    if (!Files.isDirectory(debian)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(debian)) {
      return versions.filter(v -> hasAll(v.resolve("bin")))
          .max(Comparator.comparing(v -> v.getFileName().toString(), PostgresBinaries::byVersion))
          .map(v -> v.resolve("bin"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * {@link #find}, or why there is none.
   *
   * @throws SystemStartException when no directory holds the three programs
   */
  static Path require(String path, Path debian) {
    return find(path, debian).orElseThrow(() -> new SystemStartException("no PostgreSQL "
        + "server programs (" + String.join(", ", PROGRAMS) + ") on the PATH or under "
        + debian + "/*/bin: install them (Debian: apt-get install postgresql), or give a "
        + "server with --db-url"));
  }

  private static boolean hasAll(Path dir) {
    return PROGRAMS.stream().allMatch(p -> Files.isExecutable(dir.resolve(p))
        && Files.isRegularFile(dir.resolve(p)));
  }

  /** "9.6" before "15" before "16": numerically, part by part; a name that is not last. */
  private static int byVersion(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int c = Long.compare(number(x, i), number(y, i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static long number(String[] parts, int i) {
    if (i >= parts.length) {
      return 0;
    }
    try {
      return Long.parseLong(parts[i]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
