package signup.common.grpc;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import signup.common.domain.DaemonThreads;

/**
 * Caps how long a channel waits before trying to reconnect to a server that went away. gRPC
 * backs off exponentially (1 s, 1.6 s, 2.6 s, ... up to 2 min) and fails every call meanwhile,
 * so after a 3 s restart of a participant the orchestrator kept refusing sign-ups with
 * UNAVAILABLE for another 2.5 s, and longer after a longer outage. grpc-java offers no setting
 * for it (grpc/grpc-java#7456, #9353); this resets the backoff of a channel in
 * TRANSIENT_FAILURE (or READY, for the replicas behind it) at a fixed pace: one connection
 * attempt per period to a server that is down
 * costs nothing, and a server that is back is used within one period.
 */
public final class ReconnectPacer implements AutoCloseable {
  private final ScheduledExecutorService scheduler;

  public ReconnectPacer(String name, Duration period, List<ManagedChannel> channels) {
    List<ManagedChannel> paced = List.copyOf(channels);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(
        DaemonThreads.named(name + "-reconnect-pacer"));
    scheduler.scheduleWithFixedDelay(() -> paced.forEach(ReconnectPacer::nudge),
        period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Also while READY: a channel spread over replicas is READY while one of them is, and a
   * replica that restarted would otherwise wait out its own backoff before it is called again.
   * On a channel to one server that is connected it changes nothing.
   */
  private static void nudge(ManagedChannel channel) {
    ConnectivityState state = channel.getState(false);
    if (state == ConnectivityState.TRANSIENT_FAILURE || state == ConnectivityState.READY) {
      channel.resetConnectBackoff();
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }

  @Override
  public String toString() {
    return "reconnect pacer";
  }
}
