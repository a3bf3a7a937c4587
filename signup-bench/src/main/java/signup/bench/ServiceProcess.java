package signup.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import signup.common.store.WriteStats;

/**
 * One service as a child JVM, one life of it: started with its stdout and stderr in a log
 * file, waited for until it says it listens, asked for its heap through {@code jcmd}, and
 * stopped with SIGTERM (a graceful drain) or killed outright. The benchmark's self-hosted
 * system runs one per service; the crash harness's supervisor runs one per life.
 */
public final class ServiceProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
  // GroupCommitWriter's line at close: "client database: 1234 writes in 345 commits (3.6 per
  // commit on average, 17 at most)".
  private static final Pattern WRITE_STATS = Pattern.compile(
      "database: (\\d+) writes in (\\d+) commits \\([\\d.]+ per commit on average, (\\d+) at most\\)");
  /** How often the log is read while waiting for the listening line. */
  private static final Duration POLL = Duration.ofMillis(20);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  /**
   * {@code java <jvmOptions> -cp <classPath> <mainClass> <args>}, with this JVM's java.
   *
   * @param classPath the child's class path, e.g. this JVM's own or a private copy of it
   */
  public record Command(List<String> jvmOptions, String classPath, String mainClass,
      List<String> args) {
    public Command {
      jvmOptions = List.copyOf(jvmOptions);
      args = List.copyOf(args);
    }

    /** On this JVM's own class path. */
    public static Command onThisClassPath(List<String> jvmOptions, String mainClass,
        List<String> args) {
      return new Command(jvmOptions, System.getProperty("java.class.path"), mainClass, args);
    }

    /** The whole command line. */
    public List<String> line() {
      List<String> line = new ArrayList<>();
      line.add(javaTool("java").toString());
      line.addAll(jvmOptions);
      line.add("-cp");
      line.add(classPath);
      line.add(mainClass);
      line.addAll(args);
      return line;
    }

    @Override
    public String toString() {
      return String.join(" ", line());
    }
  }

  private final String name;
  private final Process process;
  private final Path log;

  private ServiceProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} in this JVM's environment, its output into {@code log}. */
  public static ServiceProcess launch(String name, Command command, Path log)
      throws IOException {
    return launch(name, command, null, log);
  }

  /**
   * Starts {@code command}, its stdout and stderr into {@code log} (written by the operating
   * system: nothing in this JVM copies them, so a busy or killed parent cannot block the
   * child's logging).
   *
   * @param environment the child's whole environment; null for this JVM's
   */
  public static ServiceProcess launch(String name, Command command,
      Map<String, String> environment, Path log) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command.line())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    if (environment != null) {
      builder.environment().clear();
      builder.environment().putAll(environment);
    }
    return new ServiceProcess(name, builder.start(), log);
  }

  /**
   * Waits until the service logs that it listens; returns its port.
   *
   * @throws SystemStartException when it exits first or is not listening in time, with the
   *     end of its log
   */
  public int awaitListening(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    // waitFor with a timeout is the poll tick: it returns at once if the process dies.
    while (!process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
      Matcher listening = LISTENING.matcher(logText());
      if (listening.find()) {
        return Integer.parseInt(listening.group(1));
      }
      if (System.nanoTime() - deadline > 0) {
        throw new SystemStartException(name + " did not start listening within " + timeout
            + "; its log:\n" + tail());
      }
    }
    throw new SystemStartException(name + " exited with code " + process.exitValue()
        + " before listening; its log:\n" + tail());
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  /** Waits until it has exited; returns its exit code. */
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  /** Everything it has logged so far; empty when the log cannot be read. */
  public String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  public Path log() {
    return log;
  }

  /**
   * What its database's writer logged when it closed: writes and commits over the whole run.
   * Empty while it runs, or when the line is missing.
   */
  Optional<WriteStats> writeStatsFromLog() {
    Matcher m = WRITE_STATS.matcher(logText());
    WriteStats last = null;
    while (m.find()) {
      last = new WriteStats(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
          Integer.parseInt(m.group(3)));
    }
    return Optional.ofNullable(last);
  }

  /** The heap now and after a full collection; empty when jcmd is missing or fails. */
  Optional<HeapUsage> heap() {
    Path jcmd = javaTool("jcmd");
    if (!Files.isExecutable(jcmd) || !process.isAlive()) {
      return Optional.empty();
    }
    try {
      // One jcmd (a JVM start) for the three commands, read from a file.
      Path commands = Files.createTempFile("signup-bench-jcmd", ".txt");
      try {
        Files.writeString(commands, "GC.heap_info\nGC.run\nGC.heap_info\n");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), "-f",
            commands.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
          p.destroyForcibly();
          return Optional.empty();
        }
        return HeapUsage.parseBeforeAndAfterGc(out);
      } finally {
        Files.deleteIfExists(commands);
      }
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** kill -9, whatever it is doing (perhaps still starting); returns at once. */
  public void kill() {
    process.destroyForcibly();
  }

  /** SIGTERM, so the service drains and closes its database; killed if it does not stop. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The last 20 lines of its log. */
  private String tail() {
    if (!Files.isReadable(log)) {
      return "(no log at " + log + ")";
    }
    List<String> lines = logText().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  private static Path javaTool(String tool) {
    return Path.of(System.getProperty("java.home"), "bin", tool);
  }

  private static File nullDevice() {
    return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }
}
