package signup.orchestrator.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.orchestrator.domain.SignupState;
import signup.orchestrator.store.SqlSignupLog.Backlog;

/**
 * The log's backlog as gauges: rows in TRYING, COMMITTING and ABORTING, and the age of the
 * oldest of each. Read by one query when scraped, kept for a second so that the six gauges of
 * one scrape (and scrapes close together) cost one query.
 */
public final class BacklogMetrics {
  private static final Logger log = LoggerFactory.getLogger(BacklogMetrics.class);
  private static final List<SignupState> UNFINISHED =
      List.of(SignupState.TRYING, SignupState.COMMITTING, SignupState.ABORTING);
  private static final Duration FRESH = Duration.ofSeconds(1);

  private final Supplier<List<Backlog>> query;
  private final InstantSource clock;
  private boolean read;
  private long readAtMillis;
  private Map<SignupState, Backlog> last = Map.of();
  private boolean failed;

  private BacklogMetrics(Supplier<List<Backlog>> query, InstantSource clock) {
    this.query = query;
    this.clock = clock;
  }

  public static void bind(Supplier<List<Backlog>> query, InstantSource clock,
      MeterRegistry registry) {
    BacklogMetrics backlog = new BacklogMetrics(query, clock);
    for (SignupState state : UNFINISHED) {
      Gauge.builder("signup.log.unfinished", backlog, b -> b.rows(state))
          .description("Sign-ups in the log not yet DONE or ABORTED, by state; COMMITTING ones "
              + "are decided but not confirmed everywhere (pending)")
          .tag("state", state.name())
          // Nothing else holds it, and Micrometer holds a gauge's object weakly by default.
          .strongReference(true)
          .register(registry);
      Gauge.builder("signup.log.oldest.age", backlog, b -> b.oldestAgeSeconds(state))
          .description("Age of the oldest sign-up in each unfinished state, from its start; 0 "
              + "when there is none")
          .tag("state", state.name())
          .baseUnit("seconds")
          .strongReference(true)
          .register(registry);
    }
  }

  private synchronized double rows(SignupState state) {
    refresh();
    if (failed) {
      return Double.NaN;
    }
    Backlog row = last.get(state);
    return row == null ? 0 : row.rows();
  }

  private synchronized double oldestAgeSeconds(SignupState state) {
    refresh();
    if (failed) {
      return Double.NaN;
    }
    Backlog row = last.get(state);
    return row == null ? 0
        : Math.max(0, clock.millis() - row.oldestCreatedAt().toEpochMilli()) / 1000.0;
  }

  private void refresh() {
    long now = clock.millis();
    if (read && now >= readAtMillis && now - readAtMillis < FRESH.toMillis()) {
      return;
    }
    read = true;
    readAtMillis = now;
    try {
      Map<SignupState, Backlog> read = new EnumMap<>(SignupState.class);
      for (Backlog row : query.get()) {
        read.put(row.state(), row);
      }
      last = read;
      failed = false;
    } catch (RuntimeException e) {
      // The log cannot be read (closing, a fault): no number rather than a wrong one.
      if (!failed) {
        log.warn("the log's backlog could not be read for the metrics: {}", e.toString());
      }
      failed = true;
    }
  }
}
