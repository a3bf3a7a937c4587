package signup.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import signup.common.store.WriteStats;

/**
 * One service of the system as a child JVM: started, waited for until it says it listens,
 * asked for its heap through {@code jcmd}, and stopped with SIGTERM (a graceful drain).
 */
final class ServiceProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
  // GroupCommitWriter's line at close: "client database: 1234 writes in 345 commits (3.6 per
  // commit on average, 17 at most)".
  private static final Pattern WRITE_STATS = Pattern.compile(
      "database: (\\d+) writes in (\\d+) commits \\([\\d.]+ per commit on average, (\\d+) at most\\)");
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private final String name;
  private final Process process;
  private final Path log;
  private final CompletableFuture<Integer> port = new CompletableFuture<>();

  private ServiceProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    Thread reader = new Thread(this::readStdout, name + "-stdout");
    reader.setDaemon(true);
    reader.start();
    process.onExit().thenRun(() -> port.completeExceptionally(new IllegalStateException(
        name + " exited with code " + process.exitValue() + " before listening; its log:\n"
            + tail(log))));
  }

  /** Starts {@code java <jvmOptions> -cp <this JVM's class path> <mainClass> <args>}. */
  static ServiceProcess launch(String name, List<String> jvmOptions, String mainClass,
      List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaTool("java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(false)
        .redirectError(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
        .start();
    return new ServiceProcess(name, process, log);
  }

  /** Waits until the service prints that it listens; returns its port. */
  int awaitListening(Duration timeout) throws InterruptedException {
    try {
      return port.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new SystemStartException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new SystemStartException(name + " did not start listening within " + timeout
          + "; its log:\n" + tail(log), e);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  /**
   * What its database's writer logged when it closed: writes and commits over the whole run.
   * Empty while it runs, or when the line is missing.
   */
  Optional<WriteStats> writeStatsFromLog() {
    try {
      Matcher m = WRITE_STATS.matcher(Files.readString(log, StandardCharsets.UTF_8));
      WriteStats last = null;
      while (m.find()) {
        last = new WriteStats(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
            Integer.parseInt(m.group(3)));
      }
      return Optional.ofNullable(last);
    } catch (IOException e) {
      return Optional.empty();
    }
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

  private void readStdout() {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          port.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      // the process went away; onExit reports it
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static Path javaTool(String tool) {
    return Path.of(System.getProperty("java.home"), "bin", tool);
  }

  private static java.io.File nullDevice() {
    return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL"
        : "/dev/null");
  }
}
