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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One service as a child JVM, one life of it: started with its stdout and stderr in a log
 * file, waited for until it says it listens (and where its metrics are served), and stopped
 * with SIGTERM (a graceful drain) or killed outright. The benchmark's self-hosted system runs
 * one per service; the crash harness's supervisor runs one per life.
 */
public final class ServiceProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
  // ServerLauncher's line, right after the one above: "orchestrator metrics on port 9451".
  private static final Pattern METRICS = Pattern.compile("metrics on port (\\d+)");
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
    return awaitPort(LISTENING, "start listening", "listening", timeout);
  }

  /**
   * Waits until the service logs the port of its metrics endpoint (a service started with
   * {@code --metrics-port -1} never does); returns it.
   *
   * @throws SystemStartException when it exits first or says nothing in time
   */
  public int awaitMetricsPort(Duration timeout) throws InterruptedException {
    return awaitPort(METRICS, "serve metrics", "serving metrics", timeout);
  }

  /**
   * @param notDone "start listening": what it did not do in time
   * @param exitedBefore "listening": what it exited before
   */
  private int awaitPort(Pattern line, String notDone, String exitedBefore, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    // waitFor with a timeout is the poll tick: it returns at once if the process dies.
    while (!process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
      Matcher found = line.matcher(logText());
      if (found.find()) {
        return Integer.parseInt(found.group(1));
      }
      if (System.nanoTime() - deadline > 0) {
        throw new SystemStartException(name + " did not " + notDone + " within " + timeout
            + "; its log:\n" + tail());
      }
    }
    throw new SystemStartException(name + " exited with code " + process.exitValue()
        + " before " + exitedBefore + "; its log:\n" + tail());
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
