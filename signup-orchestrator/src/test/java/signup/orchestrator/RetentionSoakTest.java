package signup.orchestrator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.client.domain.Argon2Settings;
import signup.common.domain.ParticipantSettings;
import signup.common.domain.Retention;
import signup.orchestrator.domain.ProtocolSettings;
import signup.orchestrator.v1.SignupResponse;
import signup.orchestrator.v1.SignupServiceGrpc;

/**
 * Three real servers with short protocol durations and the retention at the protocol's minimum,
 * under a steady stream of sign-ups: once the first finished rows are older than the retention,
 * they are purged as fast as new ones finish, so the orchestrator's file and the participants'
 * barrier tables stop growing. Only the business rows (clients, subscriptions) keep growing.
 */
class RetentionSoakTest {
  private static final ProtocolSettings QUICK = new ProtocolSettings(Duration.ofSeconds(2),
      Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofMillis(500),
      Duration.ofMillis(200));
  private static final ParticipantSettings QUICK_TTL =
      new ParticipantSettings(Duration.ofSeconds(3), Duration.ofMillis(200));
  /** The larger of the two minimums, as {@code signup up} takes it. */
  private static final Retention MINIMUM = new Retention(
      QUICK.minimumRetention().compareTo(QUICK_TTL.minimumRetention()) >= 0
          ? QUICK.minimumRetention() : QUICK_TTL.minimumRetention());
  private static final int PER_SECOND = 20;
  /** Above this many in flight the load skips a beat, so a busy machine is not overrun. */
  private static final int MOST_IN_FLIGHT = 40;
  /** Sign-ups between the two measurements: ~15 s. */
  private static final int MEASURED = 15 * PER_SECOND;
  private static final String BARRIER_PAGES = """
      SELECT count(*) FROM dbstat WHERE name IN ('txn_barrier', 'sqlite_autoindex_txn_barrier_1',
        'txn_barrier_reserved', 'txn_barrier_finished')""";

  @TempDir Path dir;

  /** Refused sign-ups count too: what they leave (ABORTED rows, tombstones) is purged alike. */
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();

  /** More than the sign-ups in flight at once at this rate, for the counts' race. */
  private static final int IN_FLIGHT = 5;

  @Test
  void theLogAndTheBarriersStopGrowingWhileSignupsGoOnOnceTheRetentionHasPassed() {
    try (SignupSystem system = new SignupSystem(dir, QUICK, QUICK_TTL).withRetention(MINIMUM)
        .withHashing(Argon2Settings.MINIMUM)) {
      system.startClient().startSubscription().startOrchestrator();
      // One first, so the servers' first-call costs (class loading, a cold hash) are behind us.
      system.signups().signup(SignupSystem.request("soak-0@example.com"));
      ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
      try {
        SignupServiceGrpc.SignupServiceFutureStub signups =
            SignupServiceGrpc.newFutureStub(system.channel(system.orchestratorPort));
        AtomicInteger emails = new AtomicInteger();
        // Open loop, at a steady rate whatever the latency, so that the rows alive at any time
        // (rate x retention) stay about the same.
        load.scheduleAtFixedRate(() -> signUp(signups, emails.incrementAndGet()), 0,
            1_000_000 / PER_SECOND, TimeUnit.MICROSECONDS);

        // Past the window (the load goes no faster than PER_SECOND, so this many sign-ups take
        // at least that long): the first sign-ups' rows have outlived the retention, and what
        // the purges keep is as much as they will keep.
        int pastTheWindow = (int) (windowMillis() * PER_SECOND / 1_000) + 2 * PER_SECOND;
        await().atMost(Duration.ofSeconds(20)).until(() -> completed.get() >= pastTheWindow);
        Sizes before = Sizes.measure(system);
        int start = completed.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> completed.get() >= start + MEASURED);
        int measured = completed.get() - start;
        Sizes after = Sizes.measure(system);

        String figures = "before " + before + ", after " + after + "; " + measured
            + " sign-ups between, " + failed.get() + " of all refused";
        System.out.println("retention soak: " + figures);
        assertTrue(measured >= before.logRows(),
            "too few sign-ups to tell a purge from none: " + figures);
        assertTrue(after.logPages() <= before.logPages() + tolerance(before.logPages()),
            "orchestrator.db grew: " + figures);
        assertTrue(after.clientBarrierPages()
                <= before.clientBarrierPages() + tolerance(before.clientBarrierPages()),
            "client-server's barrier grew: " + figures);
        assertTrue(after.subscriptionBarrierPages()
                <= before.subscriptionBarrierPages() + tolerance(before.subscriptionBarrierPages()),
            "subscription-server's barrier grew: " + figures);
        assertTrue(oldestFinishedAgeMillis(system) < windowMillis(),
            "a finished row outlived the retention: " + figures);
        // Give or take the few in flight at each measure: a client row is confirmed a moment
        // before its sign-up is answered and counted.
        assertTrue(after.clients() >= before.clients() + measured - failed.get() - IN_FLIGHT,
            "confirmed clients are kept for good: " + figures);
      } finally {
        load.shutdownNow();
      }
    }
  }

  private void signUp(SignupServiceGrpc.SignupServiceFutureStub signups, int n) {
    if (inFlight.get() >= MOST_IN_FLIGHT) {
      return;
    }
    inFlight.incrementAndGet();
    Futures.addCallback(
        signups.withDeadlineAfter(10, TimeUnit.SECONDS)
            .signup(SignupSystem.request("soak-" + n + "@example.com")),
        new FutureCallback<SignupResponse>() {
          @Override
          public void onSuccess(SignupResponse response) {
            inFlight.decrementAndGet();
            completed.incrementAndGet();
          }

          @Override
          public void onFailure(Throwable t) {
            inFlight.decrementAndGet();
            failed.incrementAndGet();
            completed.incrementAndGet();
          }
        }, MoreExecutors.directExecutor());
  }

  /** How old a finished row may get: the retention, a purge interval, and a second of slack. */
  private static long windowMillis() {
    return MINIMUM.period().plus(MINIMUM.purgeInterval()).plusSeconds(1).toMillis();
  }

  /**
   * A few pages, or a third more: the rows alive vary with the rate, which a busy machine makes
   * uneven. Kept, the measured sign-ups' rows would at least double the pages.
   */
  private static long tolerance(long pages) {
    return Math.max(6, pages / 3);
  }

  private static long oldestFinishedAgeMillis(SignupSystem system) {
    long oldest = system.query("orchestrator.db", "SELECT coalesce(min(updated_at), 0) "
        + "FROM signup_txn WHERE state IN ('DONE', 'ABORTED')");
    return oldest == 0 ? 0 : System.currentTimeMillis() - oldest;
  }

  /** What the files hold at one moment. */
  private record Sizes(long logPages, long logRows, long clientBarrierPages,
      long subscriptionBarrierPages, long clients) {
    static Sizes measure(SignupSystem system) {
      return new Sizes(
          system.query("orchestrator.db", "PRAGMA page_count"),
          system.query("orchestrator.db", "SELECT count(*) FROM signup_txn"),
          system.query("client.db", BARRIER_PAGES),
          system.query("subscription.db", BARRIER_PAGES),
          system.clientRows());
    }
  }
}
