package signup.cli.crash;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Kills services -9 on its own thread, one at a time, in the order planned. Each kill waits
 * until the system has acknowledged a couple of sign-ups since the previous one, so that kills
 * land on a system doing work (with sign-ups in flight in every phase), not on one still
 * reconnecting from the last kill; once sending is over they no longer wait.
 */
final class Chaos implements AutoCloseable {
  private static final int ACKS_BETWEEN_KILLS = 2;
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final String DONE = "";

  private final ProcessCluster cluster;
  private final BlockingQueue<String> planned = new LinkedBlockingQueue<>();
  private final AtomicInteger acknowledged = new AtomicInteger();
  private final Thread thread;
  private volatile boolean sendingOver;

  Chaos(ProcessCluster cluster) {
    this.cluster = cluster;
    this.thread = new Thread(this::run, "chaos");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Queues a kill of {@code service}. */
  void kill(String service) {
    planned.add(service);
  }

  void acknowledged() {
    acknowledged.incrementAndGet();
  }

  /** Every kill planned so far is done once this returns. */
  void finish(Duration atMost) {
    sendingOver = true;
    planned.add(DONE);
    try {
      thread.join(atMost.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      throw new IllegalStateException("kills still pending after " + atMost);
    }
  }

  private void run() {
    try {
      for (String service = planned.take(); !service.equals(DONE); service = planned.take()) {
        try {
          Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5))
              .until(() -> sendingOver || acknowledged.get() >= ACKS_BETWEEN_KILLS);
        } catch (ConditionTimeoutException nothingAcknowledged) {
          // Kill anyway: a system that acknowledges nothing is worth killing too.
        }
        cluster.service(service).kill();
        acknowledged.set(0);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
