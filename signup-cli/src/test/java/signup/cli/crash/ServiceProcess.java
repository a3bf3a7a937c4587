package signup.cli.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * One service as a real JVM, kept alive by a supervisor thread: whenever the process dies
 * (killed by the harness, halted at a crash point, or anything else) it is started again on the
 * same port and data directory, until {@link #close()}. Each life logs to a file of its own.
 */
final class ServiceProcess implements AutoCloseable {
  private static final Pattern CRASH_LINE = Pattern.compile("CRASH POINT (\\S+) fired");
  private static final String READY_LINE = "listening on port";

  private final String service;
  private final List<String> command;
  private final Map<String, String> environment;
  private final IntFunction<String> crashPointsOfLife;
  private final LongSupplier crashSeeds;
  private final Path logDir;
  private final Runnable onReady;
  private final Thread supervisor;

  private final AtomicInteger lives = new AtomicInteger();
  private final AtomicInteger kills = new AtomicInteger();
  private final Map<String, Integer> crashPointsFired = new ConcurrentHashMap<>();
  private final List<String> unexpectedExits = new ArrayList<>();
  private volatile Process current;
  private volatile Process killed;
  private volatile boolean armed;
  private volatile boolean ready;
  private volatile boolean stopping;

  /**
   * @param command the whole command line of one life
   * @param environment the child's whole environment
   * @param crashPointsOfLife the SIGNUP_CRASH_POINTS setting of life n (1, 2, ...), blank for none
   * @param crashSeeds gives each life its own crash-point seed, so that a restarted process does
   *     not replay its predecessor's draws
   * @param onReady run each time a life is listening
   */
  ServiceProcess(String service, List<String> command, Map<String, String> environment,
      IntFunction<String> crashPointsOfLife, LongSupplier crashSeeds, Path logDir,
      Runnable onReady) {
    this.service = service;
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.crashPointsOfLife = crashPointsOfLife;
    this.crashSeeds = crashSeeds;
    this.logDir = logDir;
    this.onReady = onReady;
    this.supervisor = new Thread(this::supervise, service + "-supervisor");
    this.supervisor.setDaemon(true);
  }

  ServiceProcess start() {
    supervisor.start();
    return this;
  }

  String service() {
    return service;
  }

  /** Listening now (as far as the supervisor has seen). */
  boolean ready() {
    return ready;
  }

  /**
   * kill -9 of the current life, whatever it is doing (perhaps still starting); the supervisor
   * starts the next. Between two lives, waits for the next one to be spawned.
   */
  void kill() {
    Awaitility.await(service + " running").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(5)).until(() -> current != null && current.isAlive());
    Process process = current;
    killed = process;
    ready = false;
    process.destroyForcibly();
    kills.incrementAndGet();
  }

  /** kill -9 as part of the test's own procedure, not counted among the chaos's kills. */
  void restart() {
    Process process = current;
    if (process != null) {
      killed = process;
      ready = false;
      process.destroyForcibly();
    }
  }

  /** The current life runs with crash points. */
  boolean armed() {
    return armed;
  }

  Optional<Long> pid() {
    Process process = current;
    return process != null && process.isAlive() ? Optional.of(process.pid()) : Optional.empty();
  }

  int lives() {
    return lives.get();
  }

  int kills() {
    return kills.get();
  }

  Map<String, Integer> crashPointsFired() {
    return Map.copyOf(crashPointsFired);
  }

  synchronized List<String> unexpectedExits() {
    return List.copyOf(unexpectedExits);
  }

  private void supervise() {
    while (!stopping) {
      int life = lives.incrementAndGet();
      Path log = logDir.resolve(service + "-" + life + ".log");
      Process process;
      try {
        ProcessBuilder builder = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.environment().put("SIGNUP_CRASH_SEED", Long.toString(crashSeeds.getAsLong()));
        String crashPoints = crashPointsOfLife.apply(life);
        if (!crashPoints.isBlank()) {
          builder.environment().put("SIGNUP_CRASH_POINTS", crashPoints);
        }
        armed = !crashPoints.isBlank();
        synchronized (this) {
          if (stopping) {
            return;
          }
          process = builder.start();
          current = process;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + service, e);
      }
      try {
        if (awaitListening(process, log)) {
          ready = true;
          onReady.run();
        }
        int exit = process.waitFor();
        ready = false;
        recordExit(process, exit, log);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        return;
      }
    }
  }

  /** True once the life prints its "listening" line; false if it died first. */
  private static boolean awaitListening(Process process, Path log) throws InterruptedException {
    // waitFor with a timeout is the poll tick: it returns at once if the process dies.
    while (!process.waitFor(20, TimeUnit.MILLISECONDS)) {
      if (read(log).contains(READY_LINE)) {
        return true;
      }
    }
    return false;
  }

  private void recordExit(Process process, int exit, Path log) {
    if (process == killed || stopping) {
      return;
    }
    Matcher crash = CRASH_LINE.matcher(read(log));
    String point = null;
    while (crash.find()) {
      point = crash.group(1);
    }
    if (point != null) {
      crashPointsFired.merge(point, 1, Integer::sum);
      return;
    }
    synchronized (this) {
      unexpectedExits.add(service + " exited with " + exit + " on its own; see " + log);
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Kills the current life and stops restarting; waits until it is gone. */
  @Override
  public void close() {
    Process process;
    synchronized (this) {
      stopping = true;
      process = current;
    }
    if (process != null) {
      process.destroyForcibly();
    }
    supervisor.interrupt();
    try {
      supervisor.join(TimeUnit.SECONDS.toMillis(30));
      if (process != null) {
        process.waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
