package signup.bench;

import com.google.gson.JsonParseException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import signup.bench.LocalLimitWire.Command;
import signup.bench.LocalLimitWire.Reply;
import signup.bench.LocalLimitWire.Start;
import signup.bench.LocalLimitWire.Step;
import signup.common.store.DatabaseLocation;
import signup.common.store.DatabaseLocation.PostgresServer;
import signup.common.store.WriteStats;

/**
 * The local limit in a JVM of its own, started with the services' JVM options (the same heap,
 * the same collector), so that its figure compares like with like: in the bench's own JVM a
 * 19 MiB hash had gigabytes of heap where client-server has 256 MiB. The bench drives it a step
 * at a time ({@link LocalLimitWire}) and meters its CPU on the child's pid; the child runs each
 * closed loop itself, so that no sign-up crosses a process boundary. Its stderr (its log) goes
 * to {@code local-limit.log} in the system's directory.
 */
final class LocalLimitProcess implements AutoCloseable {
  /** Stands for the end of the child's stdout in the queue of replies. */
  private static final Reply EXITED = Reply.error("exited");

  private final Process process;
  private final Path log;
  private final PrintWriter commands;
  private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
  private volatile ProgressBar.Snapshot progress = ProgressBar.Snapshot.NONE;
  private long maxHeapMiB;
  private WriteStats writeStats;

  private LocalLimitProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.commands = new PrintWriter(new OutputStreamWriter(process.getOutputStream(),
        StandardCharsets.UTF_8), false);
    Thread reader = new Thread(this::readReplies, "local-limit-replies");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts the child and waits until its database and hasher are open.
   *
   * @param dir where its log goes
   * @param label the configuration, naming its JFR recording
   * @throws SystemStartException when it does not start, with the end of its log
   */
  static LocalLimitProcess start(BenchSettings settings, HashCost cost, DatabaseLocation database,
      Path dir, String label, String runId) throws IOException, InterruptedException {
    List<String> options = new ArrayList<>(settings.serviceJvmOptions());
    if (settings.jfrDir() != null) {
      Files.createDirectories(settings.jfrDir());
      options.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
          + settings.jfrDir().resolve(label + "-local-limit.jfr").toAbsolutePath());
    }
    Files.createDirectories(dir);
    Path log = dir.resolve("local-limit.log");
    ProcessBuilder builder = new ProcessBuilder(ServiceProcess.Command.onThisClassPath(options,
        settings.serveMainClass(), List.of(LocalLimitChild.COMMAND)).line())
        .redirectError(log.toFile());
    Map<String, String> environment = builder.environment();
    environment.remove(LocalLimitChild.PASSWORD_VARIABLE);
    Start start;
    if (database instanceof PostgresServer postgres) {
      if (!postgres.password().isEmpty()) {
        environment.put(LocalLimitChild.PASSWORD_VARIABLE, postgres.password());
      }
      start = start(settings, cost, runId, null, postgres.url(), postgres.user());
    } else {
      start = start(settings, cost, runId,
          ((DatabaseLocation.SqliteFile) database).file().toAbsolutePath().toString(), null,
          null);
    }
    LocalLimitProcess child = new LocalLimitProcess(builder.start(), log);
    try {
      child.send(LocalLimitWire.GSON.toJson(start));
      Reply ready = child.reply();
      if (ready.ready() == null) {
        throw new SystemStartException(ready.error() + "; its log " + log + " ends with:\n"
            + child.tail());
      }
      child.maxHeapMiB = ready.ready().maxHeapMiB();
      return child;
    } catch (RuntimeException | InterruptedException e) {
      child.close();
      throw e;
    }
  }

  private static Start start(BenchSettings settings, HashCost cost, String runId,
      String sqliteFile, String postgresUrl, String postgresUser) {
    return new Start(cost, runId, sqliteFile, postgresUrl, postgresUser,
        settings.minWarmup().toString(), settings.maxWarmup().toString(),
        settings.stepWarmup().toString(),
        settings.duration() == null ? null : settings.duration().toString(), settings.count());
  }

  /** The child JVM, whose CPU and context switches are the local limit's. */
  ProcessHandle handle() {
    return process.toHandle();
  }

  /** The child's most heap, as its JVM options set it. */
  long maxHeapMiB() {
    return maxHeapMiB;
  }

  /**
   * The warm-up before a step at {@code concurrency}: until settled before the first step,
   * fixed before the others.
   */
  Warmup warmUp(int concurrency, boolean first) throws InterruptedException {
    return call(new Command(first ? Step.FIRST_WARMUP : Step.WARMUP, concurrency)).warmup()
        .warmup();
  }

  /** A measured step at {@code concurrency}. */
  Measurement measure(int concurrency) throws InterruptedException {
    LocalLimitWire.Measured measured = call(new Command(Step.MEASURE, concurrency)).measured();
    writeStats = measured.writeStats();
    return measured.measurement();
  }

  /** How its database grouped the writes until the last step; empty on PostgreSQL. */
  Optional<WriteStats> writeStats() {
    return Optional.ofNullable(writeStats);
  }

  /** Where the step under way is, as the child last said. */
  ProgressBar.Snapshot progress() {
    return progress;
  }

  /** Ends its stdin, on which it closes its database and exits; killed if it does not. */
  @Override
  public void close() {
    commands.close();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private Reply call(Command command) throws InterruptedException {
    progress = ProgressBar.Snapshot.NONE;
    send(LocalLimitWire.GSON.toJson(command));
    Reply reply = reply();
    if (reply.error() != null) {
      throw new IllegalStateException(reply.error() + "; its log " + log + " ends with:\n"
          + tail());
    }
    return reply;
  }

  private void send(String line) {
    commands.println(line);
    commands.flush();
    if (commands.checkError()) {
      throw new IllegalStateException("the local limit's JVM no longer reads its commands");
    }
  }

  /** The next answer that is not progress; an error when the child has exited. */
  private Reply reply() throws InterruptedException {
    Reply reply = replies.take();
    if (reply == EXITED) {
      process.waitFor(5, TimeUnit.SECONDS);
      return Reply.error("the local limit's JVM exited"
          + (process.isAlive() ? "" : " with code " + process.exitValue()));
    }
    return reply;
  }

  /** Its stdout, a reply a line: progress is kept aside, the rest queued for {@link #call}. */
  private void readReplies() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(
        process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        Reply reply;
        try {
          reply = LocalLimitWire.GSON.fromJson(line, Reply.class);
        } catch (JsonParseException e) {
          continue; // not ours: a library's stray print
        }
        if (reply == null) {
          continue;
        }
        if (reply.progress() != null) {
          progress = reply.progress();
        } else {
          replies.add(reply);
        }
      }
    } catch (IOException e) {
      // killed: the same as the end of its output
    } finally {
      replies.add(EXITED);
    }
  }

  /** The last 20 lines of its log. */
  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }
}
