package signup.cli.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import signup.bench.ServiceProcess;
import signup.bench.SystemStartException;

/**
 * One service kept alive by a supervisor thread: whenever its JVM dies (killed by the harness,
 * halted at a crash point, or anything else) a new life of it is started on the same port and
 * data directory, until {@link #close()}. Each life is a {@link ServiceProcess} with a log file
 * of its own; the supervisor records how each one ended.
 */
final class SupervisedService implements AutoCloseable {
  private static final Pattern CRASH_LINE = Pattern.compile("CRASH POINT (\\S+) fired");
  /** Longer than anyone waits for the cluster to be ready: a life this slow is simply not. */
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  private final String service;
  private final String kind;
  private final ServiceProcess.Command command;
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
  private volatile ServiceProcess current;
  private volatile ServiceProcess killed;
  private volatile boolean armed;
  private volatile boolean ready;
  private volatile boolean stopping;

  /**
   * @param service this process's name: its kind, or "client-2" for a replica
   * @param kind client, subscription or orchestrator
   * @param command what each life runs
   * @param environment the child's whole environment
   * @param crashPointsOfLife the SIGNUP_CRASH_POINTS setting of life n (1, 2, ...), blank for none
   * @param crashSeeds gives each life its own crash-point seed, so that a restarted process does
   *     not replay its predecessor's draws
   * @param onReady run each time a life is listening
   */
  SupervisedService(String service, String kind, ServiceProcess.Command command,
      Map<String, String> environment, IntFunction<String> crashPointsOfLife,
      LongSupplier crashSeeds, Path logDir, Runnable onReady) {
    this.service = service;
    this.kind = kind;
    this.command = command;
    this.environment = Map.copyOf(environment);
    this.crashPointsOfLife = crashPointsOfLife;
    this.crashSeeds = crashSeeds;
    this.logDir = logDir;
    this.onReady = onReady;
    this.supervisor = new Thread(this::supervise, service + "-supervisor");
    this.supervisor.setDaemon(true);
  }

  SupervisedService start() {
    supervisor.start();
    return this;
  }

  String service() {
    return service;
  }

  /** client, subscription or orchestrator, whichever replica this is. */
  String kind() {
    return kind;
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
    ServiceProcess life = current;
    killed = life;
    ready = false;
    life.kill();
    kills.incrementAndGet();
  }

  /** kill -9 as part of the test's own procedure, not counted among the chaos's kills. */
  void restart() {
    ServiceProcess life = current;
    if (life != null) {
      killed = life;
      ready = false;
      life.kill();
    }
  }

  /** The current life runs with crash points. */
  boolean armed() {
    return armed;
  }

  Optional<Long> pid() {
    ServiceProcess life = current;
    return life != null && life.isAlive() ? Optional.of(life.pid()) : Optional.empty();
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
      Map<String, String> lifeEnvironment = new HashMap<>(environment);
      lifeEnvironment.put("SIGNUP_CRASH_SEED", Long.toString(crashSeeds.getAsLong()));
      String crashPoints = crashPointsOfLife.apply(life);
      if (!crashPoints.isBlank()) {
        lifeEnvironment.put("SIGNUP_CRASH_POINTS", crashPoints);
      }
      armed = !crashPoints.isBlank();
      ServiceProcess process;
      synchronized (this) {
        if (stopping) {
          return;
        }
        try {
          process = ServiceProcess.launch(service + " (life " + life + ")", command,
              lifeEnvironment, logDir.resolve(service + "-" + life + ".log"));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot start " + service, e);
        }
        current = process;
      }
      try {
        try {
          process.awaitListening(START_TIMEOUT);
          ready = true;
          onReady.run();
        } catch (SystemStartException diedOrHung) {
          // Not ready; how the life ended is recorded below, as for any life.
        }
        int exit = process.waitFor();
        ready = false;
        recordExit(process, exit);
      } catch (InterruptedException e) {
        process.kill();
        return;
      }
    }
  }

  private void recordExit(ServiceProcess process, int exit) {
    if (process == killed || stopping) {
      return;
    }
    Matcher crash = CRASH_LINE.matcher(process.logText());
    String point = null;
    while (crash.find()) {
      point = crash.group(1);
    }
    if (point != null) {
      crashPointsFired.merge(point, 1, Integer::sum);
      return;
    }
    synchronized (this) {
      unexpectedExits.add(service + " exited with " + exit + " on its own; see "
          + process.log());
    }
  }

  /** Kills the current life and stops restarting; waits until it is gone. */
  @Override
  public void close() {
    ServiceProcess process;
    synchronized (this) {
      stopping = true;
      process = current;
    }
    if (process != null) {
      process.kill();
    }
    supervisor.interrupt();
    try {
      supervisor.join(TimeUnit.SECONDS.toMillis(30));
      if (process != null) {
        process.waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
