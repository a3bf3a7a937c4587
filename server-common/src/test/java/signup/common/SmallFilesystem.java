package signup.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real filesystem of a few MiB (tmpfs), mounted for one test, that can be filled to the last
 * byte with {@code dd} and freed again: a disk that is really full, not a simulated one. Needs
 * root (or CAP_SYS_ADMIN); elsewhere the test is skipped, saying why.
 */
public final class SmallFilesystem implements AutoCloseable {
  private static final String FILLER = "filler";
  private final Path mountPoint;
  private boolean mounted;

  private SmallFilesystem(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  /** Mounts a tmpfs of {@code mebibytes} at {@code mountPoint} (created if missing). */
  public static SmallFilesystem mount(Path mountPoint, int mebibytes) {
    try {
      Files.createDirectories(mountPoint);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Result mount = run("mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m,mode=0700", "tmpfs",
        mountPoint.toString());
    Assumptions.assumeTrue(mount.exit() == 0, "a small tmpfs could not be mounted here (needs "
        + "root): " + mount.output());
    SmallFilesystem filesystem = new SmallFilesystem(mountPoint);
    filesystem.mounted = true;
    return filesystem;
  }

  public Path path() {
    return mountPoint;
  }

  /** Writes zeros until the filesystem has not one byte left, as {@code dd} does. */
  public void fill() {
    Result dd = run("dd", "if=/dev/zero", "of=" + mountPoint.resolve(FILLER), "bs=4k");
    // dd ends with "No space left on device" and a non-zero exit: that is the point.
    if (!dd.output().contains("No space left")) {
      throw new IllegalStateException("dd did not fill " + mountPoint + ": " + dd.output());
    }
    assertEquals(0, freeBytes(), "free bytes after dd");
  }

  /** Fills it with {@code dd} but for the last {@code kibibytes}, a multiple of 4. */
  public void fillLeaving(int kibibytes) {
    long blocks = (freeBytes() / 1024 - kibibytes) / 4;
    Result dd = run("dd", "if=/dev/zero", "of=" + mountPoint.resolve(FILLER), "bs=4k",
        "count=" + blocks);
    if (dd.exit() != 0) {
      throw new IllegalStateException("dd did not fill " + mountPoint + ": " + dd.output());
    }
    assertEquals(kibibytes * 1024L, freeBytes(), "free bytes after dd");
  }

  /** Deletes what {@link #fill} wrote. */
  public void free() {
    try {
      Files.deleteIfExists(mountPoint.resolve(FILLER));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long freeBytes() {
    try {
      return Files.getFileStore(mountPoint).getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Unmounts it (lazily if a file on it is still open), leaving the empty mount point. */
  @Override
  public void close() {
    if (!mounted) {
      return;
    }
    mounted = false;
    if (run("umount", mountPoint.toString()).exit() != 0) {
      run("umount", "-l", mountPoint.toString());
    }
  }

  private record Result(int exit, String output) {}

  private static Result run(String... command) {
    try {
      Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, output + " (timed out)");
      }
      return new Result(process.exitValue(), output.strip());
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, e.toString());
    }
  }
}
