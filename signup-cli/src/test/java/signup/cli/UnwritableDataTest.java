package signup.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.cli.crash.ClasspathSnapshot;
import signup.client.ClientServerMain;
import signup.client.store.ClientSchema;
import signup.common.security.InternalToken;
import signup.common.store.SqliteDatabase;

/**
 * client-server as a real process of an unprivileged user (nobody) on a data directory it
 * cannot write, or with an unusable internal token: it must refuse to start, with exit code 3
 * and one line that names what to fix, rather than report SERVING and fail every write, or die
 * with a stack trace. Needs root (to run as nobody); skipped elsewhere, saying why.
 */
class UnwritableDataTest {
  private static final String USER = "nobody";
  private static final Duration START_OR_FAIL = Duration.ofSeconds(60);

  @TempDir static Path shared;
  private static String classPath;
  @TempDir Path dir;

  @BeforeAll
  static void copyTheClassPathWhereNobodyCanReadIt() throws IOException {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name"))
        && Files.isExecutable(Path.of("/usr/sbin/runuser")),
        "needs root and runuser, to run the server as an unprivileged user");
    classPath = ClasspathSnapshot.copy(System.getProperty("java.class.path"),
        shared.resolve("classpath"));
    openToEveryone(shared);
  }

  @Test
  void aDirectoryItCannotWriteWithoutATokenStopsTheStartWithOneLineNamingTheTokenFile()
      throws IOException {
    Path data = Files.createDirectories(dir.resolve("data")); // root's, 0755
    openToEveryone(dir);

    Run run = serveClient(data, Map.of());

    run.assertRefusedWithOneLine();
    assertEquals("error: cannot create the internal token file "
        + data.resolve(InternalToken.FILE_NAME) + ": this user may not write " + data + " (set "
        + "SIGNUP_INTERNAL_TOKEN, or --token-file to a file this user may read)",
        run.errorLine());
  }

  @Test
  void aDatabaseFileItCannotWriteStopsTheStartWithOneLineNamingIt() throws IOException {
    // SQLite opens such a file read-only without a word: the server used to report SERVING,
    // then fail every write with INTERNAL.
    Path data = leftBehindByNobody();
    Path database = data.resolve("client.db");
    Files.setPosixFilePermissions(database, PosixFilePermissions.fromString("r--r--r--"));

    Run run = serveClient(data, Map.of());

    run.assertRefusedWithOneLine();
    assertEquals("error: the client database at " + database + " is not writable: this user "
        + "may not write " + database, run.errorLine());
  }

  @Test
  void aDataDirectoryMadeReadOnlyStopsTheStartWithOneLineNamingTheDatabase()
      throws IOException {
    Path data = leftBehindByNobody();
    Path database = data.resolve("client.db");
    try (Stream<Path> files = Files.walk(data)) { // chmod -R a-w
      for (Path path : files.toList()) {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
            Files.isDirectory(path) ? "r-xr-xr-x" : "r--r--r--"));
      }
    }

    Run run = serveClient(data, Map.of());

    run.assertRefusedWithOneLine();
    assertTrue(run.errorLine().startsWith("error: the client database at " + database
        + " is not writable"), run.errorLine());
  }

  /** A data directory as a client-server run by nobody leaves it: database and token. */
  private Path leftBehindByNobody() throws IOException {
    Path data = dir.resolve("data");
    SqliteDatabase.open(ClientSchema.SPEC, data.resolve("client.db")).close();
    InternalToken.load(Map.of(), data.resolve(InternalToken.FILE_NAME));
    openToEveryone(dir);
    try (Stream<Path> files = Files.walk(data)) {
      for (Path path : files.toList()) {
        Files.setOwner(path, user(USER));
      }
    }
    return data;
  }

  @Test
  void anEmptyOrTooShortInternalTokenStopsTheStartWithOneLineNamingTheVariable()
      throws IOException {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.setOwner(data, user(USER));
    openToEveryone(dir);

    for (String token : List.of("", "twenty-characters-12")) {
      Run run = serveClient(data, Map.of(InternalToken.ENV, token));

      run.assertRefusedWithOneLine();
      assertTrue(run.errorLine().startsWith("error: " + InternalToken.ENV + " is set but "),
          run.errorLine());
      assertTrue(Files.notExists(data.resolve(InternalToken.FILE_NAME)),
          "no token of its own, that the other services would not know");
    }
  }

  /** How one start ended: an exit code, or null if it was listening (then stopped). */
  private record Run(Integer exit, String out, String err) {
    void assertRefusedWithOneLine() {
      assertEquals(Integer.valueOf(3), exit, "exit code; stdout:\n" + out + "\nstderr:\n" + err);
      List<String> errors = err.lines().filter(line -> line.startsWith("error: ")).toList();
      assertEquals(1, errors.size(), "one error line:\n" + err);
      assertTrue(err.lines().noneMatch(line -> line.contains("Exception")
          || line.startsWith("\tat ")), "no stack trace:\n" + err);
    }

    String errorLine() {
      return err.lines().filter(line -> line.startsWith("error: ")).findFirst().orElse("");
    }
  }

  private Run serveClient(Path dataDir, Map<String, String> environment) throws IOException {
    List<String> command = new ArrayList<>(List.of("runuser", "-u", USER, "--", "env", "-i",
        "PATH=" + System.getenv("PATH"), "HOME=/tmp"));
    environment.forEach((name, value) -> command.add(name + "=" + value));
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", classPath,
        ClientServerMain.class.getName(), "--port", "0", "--data-dir", dataDir.toString()));
    Path out = dir.resolve("out-" + System.nanoTime());
    Path err = dir.resolve("err-" + System.nanoTime());
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    try {
      await().atMost(START_OR_FAIL).until(() -> !process.isAlive()
          || Files.readString(out).contains("listening on port"));
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
    boolean listened = Files.readString(out).contains("listening on port");
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new Run(listened ? null : process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static UserPrincipal user(String name) throws IOException {
    return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name);
  }

  /** Lets every user read and traverse {@code root}'s tree (JUnit makes it 0700). */
  private static void openToEveryone(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.toList()) {
        if (!Files.isSymbolicLink(path)) {
          Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
              Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
        }
      }
    }
  }
}
