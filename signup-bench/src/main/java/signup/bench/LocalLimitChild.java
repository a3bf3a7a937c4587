package signup.bench;

import com.google.gson.JsonParseException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import signup.bench.LocalLimitWire.Command;
import signup.bench.LocalLimitWire.Reply;
import signup.bench.LocalLimitWire.Start;
import signup.common.domain.DaemonThreads;
import signup.common.store.DatabaseLocation;
import signup.common.store.DatabaseLocation.PostgresServer;

/**
 * The local limit's side of {@link LocalLimitProcess}: the JVM that runs it, with the services'
 * JVM options, so that its hash and its writes run on the heap a service has. It opens the
 * local limit as told by the first line of its stdin, answers that it is ready, then runs each
 * step it is sent (closed loops in this JVM, as the protocol's run in the bench's) and answers
 * with what the step measured, until its stdin ends.
 */
public final class LocalLimitChild {
  /** The CLI's hidden sub-command that runs {@link #serve}. */
  public static final String COMMAND = "bench-local-limit";
  /** The PostgreSQL password, in the child's environment (never in its arguments). */
  static final String PASSWORD_VARIABLE = "SIGNUP_BENCH_LOCAL_DB_PASSWORD";
  private static final Duration PROGRESS_EVERY = Duration.ofMillis(200);

  private final LocalLimit local;
  private final Start start;
  private final PrintWriter out;
  private final ProcFs procFs = ProcFs.system();
  private volatile ClosedLoop running;
  private LocalLimit.Steps steps;
  private int stepsConcurrency;

  private LocalLimitChild(LocalLimit local, Start start, PrintWriter out) {
    this.local = local;
    this.start = start;
    this.out = out;
  }

  /**
   * Serves the bench on {@code in} and {@code out} until {@code in} ends.
   *
   * @param parts client-server's hash and the participants' tables
   * @param environment where the PostgreSQL password is, in
   *     {@value #PASSWORD_VARIABLE}
   * @return the process's exit code: 0 when every step ran, 1 when one failed, 3 when the local
   *     limit could not open
   */
  public static int serve(LocalLimitParts parts, InputStream in, PrintWriter out,
      Map<String, String> environment) throws IOException, InterruptedException {
    BufferedReader commands = new BufferedReader(new InputStreamReader(in,
        StandardCharsets.UTF_8));
    Start start;
    LocalLimit local;
    try {
      start = LocalLimitWire.GSON.fromJson(commands.readLine(), Start.class);
      if (start == null) {
        return 2; // no bench on the other end
      }
      local = new LocalLimit(location(start, environment), parts.schema(),
          parts.open(start.cost(), Runtime.getRuntime().availableProcessors()), start.runId());
    } catch (RuntimeException e) {
      reply(out, Reply.error("the local limit cannot start: " + e.getMessage()));
      return 3;
    }
    try (local) {
      reply(out, Reply.ready(Runtime.getRuntime().maxMemory() >> 20));
      return new LocalLimitChild(local, start, out).serve(commands);
    }
  }

  private int serve(BufferedReader commands) throws IOException, InterruptedException {
    ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(
        DaemonThreads.named("local-limit-progress"));
    progress.scheduleAtFixedRate(this::sendProgress, PROGRESS_EVERY.toMillis(),
        PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    try {
      for (String line = commands.readLine(); line != null; line = commands.readLine()) {
        try {
          reply(out, step(LocalLimitWire.GSON.fromJson(line, Command.class)));
        } catch (RuntimeException e) {
          reply(out, Reply.error("the local limit's step failed: " + e));
          return 1;
        }
      }
      return 0;
    } finally {
      progress.shutdownNow();
      if (steps != null) {
        steps.close();
      }
    }
  }

  private Reply step(Command command) throws InterruptedException {
    if (command == null || command.step() == null || command.concurrency() < 1) {
      throw new JsonParseException("not a step: " + command);
    }
    LocalLimit.Steps work = steps(command.concurrency());
    int concurrency = command.concurrency();
    return switch (command.step()) {
      case FIRST_WARMUP -> Reply.warmup(settle(work, concurrency));
      case WARMUP -> Reply.warmup(Duration.parse(start.stepWarmup()).isZero() ? Warmup.NONE
          : Warmup.fixed(run(new ClosedLoop(work, concurrency,
              ClosedLoop.Limit.of(Duration.parse(start.stepWarmup())))).elapsed()));
      case MEASURE -> Reply.measured(run(new ClosedLoop(work, concurrency, start.limit())),
          local.writeStats().orElse(null));
    };
  }

  /** Until throughput and this JVM's JIT have settled, within the rule's bounds. */
  private Warmup settle(LocalLimit.Steps work, int concurrency) throws InterruptedException {
    SettlingRule rule = start.warmup();
    if (rule.none()) {
      return Warmup.NONE;
    }
    List<Long> self = List.of(ProcessHandle.current().pid());
    SettlingWarmup settling = new SettlingWarmup(rule, () -> procFs.cpuTicks(self));
    return settling.result(run(settling.loop(work, concurrency)).elapsed());
  }

  /** The workload at {@code concurrency}: a warm-up's threads go on into its measured step. */
  private LocalLimit.Steps steps(int concurrency) throws InterruptedException {
    if (steps != null && stepsConcurrency != concurrency) {
      steps.close();
      steps = null;
    }
    if (steps == null) {
      steps = local.workload(concurrency);
      stepsConcurrency = concurrency;
    }
    return steps;
  }

  private Measurement run(ClosedLoop loop) throws InterruptedException {
    running = loop;
    try {
      return loop.run();
    } finally {
      running = null;
    }
  }

  private void sendProgress() {
    ClosedLoop loop = running;
    if (loop != null) {
      reply(out, Reply.progress(ProgressBar.Snapshot.of(loop)));
    }
  }

  private static DatabaseLocation location(Start start, Map<String, String> environment) {
    if (start.sqliteFile() != null) {
      return DatabaseLocation.sqlite(Path.of(start.sqliteFile()));
    }
    return new PostgresServer(start.postgresUrl(), start.postgresUser(),
        environment.getOrDefault(PASSWORD_VARIABLE, ""));
  }

  private static void reply(PrintWriter out, Reply reply) {
    String line = LocalLimitWire.GSON.toJson(reply);
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }
}
