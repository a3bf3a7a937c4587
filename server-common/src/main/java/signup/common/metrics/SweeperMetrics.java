package signup.common.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import signup.common.domain.ReservationSweeper;
import signup.common.domain.TransactionResolver.Outcome;

/** A participant's reservation sweeper, as series: sweeps, and how each expired one ended. */
public final class SweeperMetrics implements ReservationSweeper.Listener {
  private final Counter sweeps;
  private final Counter failures;
  private final Map<Outcome, Counter> resolved = new EnumMap<>(Outcome.class);
  private final Counter kept;

  public SweeperMetrics(MeterRegistry registry) {
    sweeps = Counter.builder("signup.sweeper.sweeps")
        .description("Sweeps for reservations past their TTL that ended normally")
        .register(registry);
    failures = Counter.builder("signup.sweeper.failures")
        .description("Sweeps that failed (the store could not be written, or a bug); the next "
            + "one tries again")
        .register(registry);
    for (Outcome outcome : Outcome.values()) {
      resolved.put(outcome, Counter.builder("signup.sweeper.expired")
          .description("Reservations past their TTL, by how they ended: confirmed (commit) or "
              + "cancelled (abort) on the coordinator's answer, or kept (coordinator "
              + "unreachable, asked again next sweep)")
          .tag("resolution", outcome.name().toLowerCase(java.util.Locale.ROOT))
          .register(registry));
    }
    kept = Counter.builder("signup.sweeper.expired")
        .description("Reservations past their TTL, by how they ended: confirmed (commit) or "
            + "cancelled (abort) on the coordinator's answer, or kept (coordinator "
            + "unreachable, asked again next sweep)")
        .tag("resolution", "kept")
        .register(registry);
  }

  @Override
  public void swept() {
    sweeps.increment();
  }

  @Override
  public void resolved(Outcome outcome) {
    resolved.get(outcome).increment();
  }

  @Override
  public void kept() {
    kept.increment();
  }

  @Override
  public void failed() {
    failures.increment();
  }
}
