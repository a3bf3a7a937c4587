package signup.client.domain;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threads that yield the CPU to the rest of the server: the password hashers. A hash takes tens
 * of milliseconds of CPU; a refusal, a reserve's commit or a health check takes tens of
 * microseconds. At the same priority, with the hashers filling both cores, each of those small
 * steps waited for a time slice behind a hash (a refusal's p99 was 15-180 ms, BENCHMARKS.md);
 * at a lower one the scheduler runs them first and the hashers take the rest, which with work
 * queued is still every spare cycle.
 *
 * <p>On Linux the nice value belongs to each thread, and any thread may raise its own (lower
 * its priority) without privileges: {@code setpriority(PRIO_PROCESS, 0, n)} from the thread
 * itself. A thread inherits the priority of the thread that makes it: pools that a hasher may
 * be the first to submit to start their threads beforehand ({@code PostgresDatabase}).
 * Elsewhere, or where the C library cannot be called, the threads keep the normal priority (one
 * line in the log says so).
 */
public final class BackgroundPriority {
  private static final Logger log = LoggerFactory.getLogger(BackgroundPriority.class);
  /** Ten nice levels lower: a tenth of a normal thread's share when both want the CPU. */
  static final int LOWER_BY = 10;
  /** The lowest priority Linux has. */
  static final int LOWEST = 19;
  private static final int PRIO_PROCESS = 0;

  private BackgroundPriority() {}

  private interface C extends Library {
    int setpriority(int which, int who, int prio);

    int getpriority(int which, int who);
  }

  /** Threads of {@code factory} that each lower their own priority by {@value #LOWER_BY}. */
  public static ThreadFactory lowered(ThreadFactory factory) {
    return task -> factory.newThread(() -> {
      lowerCurrentThread();
      task.run();
    });
  }

  /**
   * Lowers the calling thread's priority by {@value #LOWER_BY} nice levels from the process's
   * (a server started with {@code nice -n 5} gets hashers at 15), to {@value #LOWEST} at most.
   *
   * @return whether it did
   */
  static boolean lowerCurrentThread() {
    if (!Platform.isLinux()) {
      return false;
    }
    try {
      int nice = Math.min(LOWEST, Holder.C.getpriority(PRIO_PROCESS, 0) + LOWER_BY);
      if (Holder.C.setpriority(PRIO_PROCESS, 0, nice) == 0) {
        return true;
      }
      log.info("{} keeps the normal CPU priority: setpriority failed (errno {})",
          Thread.currentThread().getName(), Native.getLastError());
    } catch (LinkageError | RuntimeException e) {
      log.info("{} keeps the normal CPU priority: {}", Thread.currentThread().getName(),
          e.toString());
    }
    return false;
  }

  /** The calling thread's nice value; for tests. */
  static int currentNice() {
    return Holder.C.getpriority(PRIO_PROCESS, 0);
  }

  /** Loaded on first use only: on another OS nothing is loaded. */
  private static final class Holder {
    static final C C = Native.load("c", C.class);
  }
}
