package signup.cli.crash;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Kills processes -9 on its own thread, in the order planned: one at a time, or a few together
 * (replicas of several services, back to back). Each kill waits until the system has
 * acknowledged a couple of sign-ups since the previous one, so that kills land on a system
 * doing work (with sign-ups in flight in every phase), not on one still reconnecting from the
 * last kill; once sending is over they no longer wait. With replicas, a kill first waits for
 * its victims to listen again, since the senders do not.
 */
final class Chaos implements AutoCloseable {
  private static final int ACKS_BETWEEN_KILLS = 2;
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final List<String> DONE = List.of();

  private final ProcessCluster cluster;
  private final BlockingQueue<List<String>> planned = new LinkedBlockingQueue<>();
  private final AtomicInteger acknowledged = new AtomicInteger();
  private final AtomicInteger everyServicePartlyDown = new AtomicInteger();
  private final AtomicInteger killsWhileSending = new AtomicInteger();
  /** Kills queued and not done yet. */
  private final AtomicInteger pending = new AtomicInteger();
  private final Thread thread;
  private volatile boolean sendingOver;

  Chaos(ProcessCluster cluster) {
    this.cluster = cluster;
    this.thread = new Thread(this::run, "chaos");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Queues a kill of each of {@code processes}, by name, back to back. With replicas, first
   * waits for the kills queued before to be done: the senders go on through the survivors, and
   * would otherwise send everything before the chaos, which waits for restarts, is half-way.
   */
  void kill(List<String> processes) {
    if (cluster.replicas() > 1) {
      try {
        Awaitility.await().atMost(PATIENCE.multipliedBy(3)).pollInterval(Duration.ofMillis(5))
            .until(() -> pending.get() == 0);
      } catch (ConditionTimeoutException slow) {
        // Queue it all the same: the chaos carries it out in its turn.
      }
    }
    pending.incrementAndGet();
    planned.add(List.copyOf(processes));
  }

  /**
   * How many times a kill left every service with a process down at once (killed, or not
   * listening again yet): with replicas, when one of each was killed together, or one while
   * the others were still coming back.
   */
  int everyServicePartlyDown() {
    return everyServicePartlyDown.get();
  }

  /** Processes killed while sign-ups were still being sent (the others after the last one). */
  int killsWhileSending() {
    return killsWhileSending.get();
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
      for (List<String> victims = planned.take(); !victims.equals(DONE);
          victims = planned.take()) {
        if (cluster.replicas() > 1) {
          // The senders go on through the survivors without waiting for a restart: the kill
          // waits for its victims to be back, so that it lands on replicas taking sign-ups,
          // not on one still starting after its last kill.
          awaitListening(victims);
          acknowledged.set(0);
        }
        try {
          Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5))
              .until(() -> sendingOver || acknowledged.get() >= ACKS_BETWEEN_KILLS);
        } catch (ConditionTimeoutException nothingAcknowledged) {
          // Kill anyway: a system that acknowledges nothing is worth killing too.
        }
        boolean underLoad = !sendingOver;
        victims.forEach(victim -> cluster.service(victim).kill());
        if (underLoad) {
          killsWhileSending.addAndGet(victims.size());
        }
        if (cluster.everyServicePartlyDown()) {
          everyServicePartlyDown.incrementAndGet();
        }
        acknowledged.set(0);
        pending.decrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitListening(List<String> victims) {
    try {
      Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5))
          .until(() -> victims.stream().allMatch(victim -> cluster.service(victim).ready()));
    } catch (ConditionTimeoutException stillStarting) {
      // Kill anyway, as the process is: a start cut short is a crash like any other.
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
