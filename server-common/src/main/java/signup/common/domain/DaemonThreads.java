package signup.common.domain;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for the servers' own pools and schedulers: named, so a thread dump or a
 * profile says whose a thread is, and daemon, so a forgotten pool never keeps a JVM alive (each
 * owner still shuts its pool down when it closes).
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** Threads called {@code name}: for a pool of one. */
  public static ThreadFactory named(String name) {
    return r -> daemon(r, name);
  }

  /** Threads called {@code prefix-1}, {@code prefix-2}, ...: for a pool of several. */
  public static ThreadFactory numbered(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return r -> daemon(r, prefix + "-" + count.incrementAndGet());
  }

  private static Thread daemon(Runnable r, String name) {
    Thread thread = new Thread(r, name);
    thread.setDaemon(true);
    return thread;
  }
}
