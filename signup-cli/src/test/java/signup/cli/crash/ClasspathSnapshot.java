package signup.cli.crash;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private copy of this JVM's class path for the child processes. A JVM loads classes lazily,
 * so a service restarted many times would otherwise pick up whatever a concurrent build wrote
 * into target/ or the local repository in between: the code under test must not change midway.
 */
public final class ClasspathSnapshot {
  private ClasspathSnapshot() {}

  /** Copies every entry of {@code classPath} under {@code dir}; returns the copy's class path. */
  public static String copy(String classPath, Path dir) {
    List<String> copied = new ArrayList<>();
    int index = 0;
    for (String entry : classPath.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path source = Path.of(entry);
      Path target = dir.resolve(index++ + "-" + source.getFileName());
      try {
        if (Files.isDirectory(source)) {
          copyTree(source, target);
        } else if (Files.isRegularFile(source)) {
          Files.createDirectories(dir);
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        } else {
          continue;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot copy " + source, e);
      }
      copied.add(target.toString());
    }
    return String.join(File.pathSeparator, copied);
  }

  private static void copyTree(Path source, Path target) throws IOException {
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path to = target.resolve(source.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(to);
        } else {
          Files.copy(path, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
