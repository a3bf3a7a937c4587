package signup.client.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import signup.client.domain.PasswordHasher;

/**
 * The password hasher as series: how long a hash takes, how many wait for a thread, and how
 * many were refused as too late (the sign-ups the hasher could not serve in time: saturation).
 */
public final class HasherMetrics implements PasswordHasher.Listener {
  private static final Duration[] HASH_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2),
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(30),
      Duration.ofMillis(50), Duration.ofMillis(75), Duration.ofMillis(100),
      Duration.ofMillis(150), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5)};

  private final Timer hashes;
  private final Counter refused;

  public HasherMetrics(MeterRegistry registry) {
    hashes = Timer.builder("signup.hasher.hash.duration")
        .description("How long each new Argon2id password hash took, on a hasher thread")
        .serviceLevelObjectives(HASH_BUCKETS)
        .register(registry);
    refused = Counter.builder("signup.hasher.refused")
        .description("Hashes not started because the caller's deadline would pass first "
            + "(answered DEADLINE_EXCEEDED): the hasher cannot keep up")
        .register(registry);
  }

  /** The gauges that read {@code hasher}: its queue, its busy threads and its size. */
  public static void bindQueue(PasswordHasher hasher, MeterRegistry registry) {
    Gauge.builder("signup.hasher.queued", hasher, PasswordHasher::queued)
        .description("Hashes and verifications waiting for a hasher thread")
        .register(registry);
    Gauge.builder("signup.hasher.running", hasher, PasswordHasher::running)
        .description("Hashes and verifications running now")
        .register(registry);
    Gauge.builder("signup.hasher.threads", hasher, PasswordHasher::threads)
        .description("Hasher threads: how many hashes may run at once")
        .register(registry);
  }

  @Override
  public void hashed(long nanos) {
    hashes.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void refusedTooLate() {
    refused.increment();
  }
}
