package signup.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import signup.common.store.DatabaseLocation.PostgresServer;

/**
 * A PostgreSQL server of the benchmark's own, for one run: {@code initdb} in a directory of the
 * run's, then {@code pg_ctl start} on a free localhost port (TCP only, no Unix socket), the
 * superuser trusted from 127.0.0.1, and {@code pg_ctl stop} at the end (also when the JVM exits
 * before). Its settings are PostgreSQL's defaults, so a commit is durable (fsync,
 * synchronous_commit on) as SQLite's synchronous=FULL is, with enough connections for every
 * replica's pools.
 */
public final class SelfStartedPostgres implements AutoCloseable {
  /** The superuser initdb makes. */
  static final String SUPERUSER = "postgres";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final int PORT_ATTEMPTS = 3;

  private final Path bin;
  private final Path data;
  private final Path dir;
  private final List<String> runAs;
  private final int port;
  private final String version;
  private final Thread stopAtExit;
  private boolean stopped;

  private SelfStartedPostgres(Path bin, Path dir, List<String> runAs, int port, String version) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.runAs = runAs;
    this.port = port;
    this.version = version;
    this.stopAtExit = new Thread(this::stop, "bench-postgres-stop");
    Runtime.getRuntime().addShutdownHook(stopAtExit);
  }

  /**
   * Finds PostgreSQL's programs ({@link PostgresBinaries}), makes a cluster in {@code dir} and
   * starts it.
   *
   * @param maxConnections the server's {@code max_connections}
   * @throws SystemStartException when there are no programs, or the server does not start
   *     (with the end of its log)
   */
  public static SelfStartedPostgres start(Path dir, int maxConnections) {
    Path bin = PostgresBinaries.require(System.getenv("PATH"), PostgresBinaries.DEBIAN);
    try {
      Files.createDirectories(dir);
      List<String> runAs = unprivilegedUser(dir);
      run(runAs, dir, List.of(bin.resolve("initdb").toString(), "-D",
          dir.resolve("data").toString(), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
          "--locale=C", "--no-sync"));
      for (int attempt = 1; ; attempt++) {
        int port = SelfHostedSystem.freePort();
        try {
          run(runAs, dir, List.of(bin.resolve("pg_ctl").toString(), "-D",
              dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(),
              "-w", "-t", String.valueOf(TIMEOUT.toSeconds()), "-o", "-p " + port
                  + " -c listen_addresses=127.0.0.1 -c unix_socket_directories="
                  + " -c max_connections=" + maxConnections, "start"));
          return new SelfStartedPostgres(bin, dir, runAs, port, version(bin));
        } catch (SystemStartException e) {
          // A port is free only when probed (as for the services): another try on another.
          if (attempt == PORT_ATTEMPTS || !e.getMessage().contains("already in use")) {
            throw e;
          }
        }
      }
    } catch (IOException e) {
      throw new SystemStartException("cannot prepare PostgreSQL's directory " + dir + ": " + e);
    }
  }

  /** Its {@code postgres} database, as the superuser (no password: trusted on 127.0.0.1). */
  public PostgresServer server() {
    return new PostgresServer("jdbc:postgresql://127.0.0.1:" + port + "/postgres", SUPERUSER,
        "");
  }

  /** "started by the bench: PostgreSQL 15.18 from /usr/lib/postgresql/15/bin". */
  public String origin() {
    return "started by the bench: " + version + " from " + bin;
  }

  /** Stops the server (fast shutdown); its files stay for whoever removes the directory. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(stopAtExit);
    } catch (IllegalStateException e) {
      // the JVM is exiting: the hook stops it
    }
    stop();
  }

  private synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      run(runAs, dir, List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m",
          "fast", "-w", "stop"));
    } catch (SystemStartException | IOException e) {
      // Already gone (killed from outside): nothing left to stop.
    }
  }

  /**
   * As root PostgreSQL refuses to run ("root" execution of the PostgreSQL server is not
   * permitted), so its programs then run as an unprivileged user through {@code runuser}:
   * {@code postgres} where the machine has it (Debian's package makes it), else
   * {@code nobody}. That user owns {@code dir}, and may pass through its parent (the run's
   * directory, otherwise private to root) to reach it, without listing it.
   *
   * @return the command prefix, empty when not root
   */
  private static List<String> unprivilegedUser(Path dir) throws IOException {
    if (!runningAsRoot()) {
      return List.of();
    }
    String user = userExists(SUPERUSER) ? SUPERUSER : "nobody";
    UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName(user);
    Files.setOwner(dir, owner);
    Path parent = dir.toAbsolutePath().getParent();
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(parent);
    permissions.add(PosixFilePermission.OTHERS_EXECUTE);
    Files.setPosixFilePermissions(parent, permissions);
    return List.of("runuser", "-u", user, "--");
  }

  private static boolean runningAsRoot() {
    try {
      // /proc/self belongs to the process's effective user.
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static boolean userExists(String user) {
    try {
      Process id = new ProcessBuilder("id", "-u", user).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return id.waitFor(10, TimeUnit.SECONDS) && id.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Runs one of PostgreSQL's programs in {@code dir}, its output appended to
   * {@code dir/setup.log}, with an environment of PATH alone (the bench's may hold secrets that
   * the other user must not read in /proc).
   *
   * @throws SystemStartException when it fails or hangs, with the end of the logs
   */
  private static void run(List<String> runAs, Path dir, List<String> command)
      throws IOException {
    List<String> line = new ArrayList<>(runAs);
    line.addAll(command);
    Path log = dir.resolve("setup.log");
    ProcessBuilder builder = new ProcessBuilder(line).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> environment = builder.environment();
    String path = environment.get("PATH");
    environment.clear();
    environment.put("PATH", path == null ? "/usr/sbin:/usr/bin:/sbin:/bin" : path);
    String program = Path.of(command.get(0)).getFileName() + " "
        + command.get(command.size() - 1);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new SystemStartException("cannot run " + String.join(" ", line.subList(0,
          runAs.size() + 1)) + ": " + e.getMessage());
    }
    try {
      if (!process.waitFor(TIMEOUT.toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new SystemStartException("PostgreSQL's " + program + " did not finish within "
            + TIMEOUT + "; its logs:\n" + tails(dir));
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new SystemStartException("interrupted while PostgreSQL's " + program + " ran");
    }
    if (process.exitValue() != 0) {
      throw new SystemStartException("PostgreSQL's " + program + " failed (exit code "
          + process.exitValue() + "); its logs in " + dir + " end with:\n" + tails(dir));
    }
  }

  /** The last lines of the programs' output and of the server's log. */
  private static String tails(Path dir) {
    StringBuilder text = new StringBuilder();
    for (String name : List.of("setup.log", "server.log")) {
      try {
        List<String> lines = Files.readAllLines(dir.resolve(name), StandardCharsets.UTF_8);
        text.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 10),
            lines.size()))).append('\n');
      } catch (IOException e) {
        // not written (yet)
      }
    }
    return text.toString().strip();
  }

  /** "PostgreSQL 15.18", from {@code postgres --version} (which root may run). */
  private static String version(Path bin) {
    try {
      Process p = new ProcessBuilder(bin.resolve("postgres").toString(), "--version")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor(10, TimeUnit.SECONDS);
      int at = out.indexOf("(PostgreSQL) ");
      return at < 0 ? "PostgreSQL" : "PostgreSQL " + out.substring(at + 13).split("\\s")[0];
    } catch (IOException e) {
      return "PostgreSQL";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "PostgreSQL";
    }
  }
}
