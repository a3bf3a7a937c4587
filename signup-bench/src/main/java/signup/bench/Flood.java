package signup.bench;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import signup.common.domain.DaemonThreads;
import signup.orchestrator.v1.SignupRequest;
import signup.orchestrator.v1.SignupServiceGrpc;

/**
 * A flood at the orchestrator while a measured step runs, and what it does to a normal caller:
 * {@code threads} threads each send a Signup with a very short deadline as soon as the last one
 * is answered (or given up on); a normal sign-up with the normal deadline starts every
 * {@link #PROBE_PERIOD}, whether the last one has been answered or not (so that a slow answer
 * does not make them fewer), and asks again when refused with a retry hint, as a normal caller
 * does; and the services' resident memory is sampled from /proc. Started
 * before the step, stopped right after it.
 */
final class Flood implements AutoCloseable {
  /** Between one probe and the next: several probes in a step of seconds. */
  static final Duration PROBE_PERIOD = Duration.ofMillis(500);
  /** How often the services' resident memory is read. */
  static final Duration RSS_PERIOD = Duration.ofMillis(100);

  /**
   * What the flood saw.
   *
   * @param calls the flood's calls by outcome: OK or the status code
   * @param probes the normal sign-ups made during the flood
   * @param rssAtStartMib each service's resident memory as the flood began; empty without
   *     /proc or with a target
   * @param rssPeakMib the largest of each, sampled every {@link #RSS_PERIOD} during the flood
   */
  record Observed(Map<String, Long> calls, Duration elapsed, Probes probes,
      Map<String, Long> rssAtStartMib, Map<String, Long> rssPeakMib) {

    long totalCalls() {
      return calls.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * @param made probes started
   * @param failures those that failed, by status code
   * @param maxLatencyMs of the slowest
   */
  record Probes(long made, long succeeded, Map<String, Long> failures, double maxLatencyMs) {}

  private final FloodSettings settings;
  private final Duration probePatience;
  private final ExecutorService flooders;
  /** Starts the probes and samples the memory; neither waits for anything. */
  private final ScheduledExecutorService timer;
  private final List<CompletableFuture<?>> probes = new CopyOnWriteArrayList<>();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  /** By service, in the order given. */
  private final Map<String, AtomicLong> rssPeakKib = new LinkedHashMap<>();
  private final Map<String, Long> rssAtStartMib = new LinkedHashMap<>();
  private final LongAdder probesMade = new LongAdder();
  private final LongAdder probesSucceeded = new LongAdder();
  private final Map<String, LongAdder> probeFailures = new ConcurrentHashMap<>();
  private final AtomicLong slowestProbeNanos = new AtomicLong();
  private final long startNanos = System.nanoTime();
  private volatile long endNanos;

  /**
   * Starts the flood, the probes and the memory sampler.
   *
   * @param floodChannel the flood's own connection, as an attacker's would be
   * @param probe normal sign-ups, on a normal caller's connection
   * @param probePatience how long a probe refused with a retry hint goes on asking again: a
   *     normal caller's deadline
   * @param services whose resident memory to sample (empty: none)
   */
  static Flood start(FloodSettings settings, Channel floodChannel, Workload probe,
      Duration probePatience, String runId, AtomicLong sequence,
      Map<String, ProcessHandle> services, ProcFs procFs) {
    Flood flood = new Flood(settings, probePatience);
    services.forEach((name, process) -> procFs.residentKib(process.pid())
        .ifPresent(kib -> flood.rssAtStartMib.put(name, kib / 1024)));
    SignupServiceGrpc.SignupServiceBlockingStub stub =
        SignupServiceGrpc.newBlockingStub(floodChannel);
    for (int t = 0; t < settings.threads(); t++) {
      flood.flooders.execute(() -> flood.floodUntilStopped(stub, runId, sequence));
    }
    flood.timer.scheduleAtFixedRate(() -> flood.probeOnce(probe), 0,
        PROBE_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    // Filled before the sampling starts, read after it stops: no other thread adds a key.
    services.keySet().forEach(name -> flood.rssPeakKib.put(name, new AtomicLong(-1)));
    Map<String, ProcessHandle> sampled = new LinkedHashMap<>(services);
    flood.timer.scheduleAtFixedRate(() -> sampled.forEach((name, process) -> {
      OptionalLong kib = procFs.residentKib(process.pid());
      if (kib.isPresent()) {
        flood.rssPeakKib.get(name).accumulateAndGet(kib.getAsLong(), Math::max);
      }
    }), 0, RSS_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    return flood;
  }

  private Flood(FloodSettings settings, Duration probePatience) {
    this.settings = settings;
    this.probePatience = probePatience;
    this.flooders = Executors.newFixedThreadPool(settings.threads(),
        DaemonThreads.numbered("flood"));
    this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("flood-timer"));
  }

  private void floodUntilStopped(SignupServiceGrpc.SignupServiceBlockingStub stub, String runId,
      AtomicLong sequence) {
    while (stop.getCount() > 0) {
      SignupRequest request = SignupWorkload.request(runId, sequence.incrementAndGet());
      String outcome;
      try {
        stub.withDeadlineAfter(settings.callDeadline().toNanos(), TimeUnit.NANOSECONDS)
            .signup(request);
        outcome = Status.Code.OK.name();
      } catch (StatusRuntimeException e) {
        outcome = e.getStatus().getCode().name();
      }
      calls.computeIfAbsent(outcome, o -> new LongAdder()).increment();
    }
  }

  private void probeOnce(Workload probe) {
    long t0 = System.nanoTime();
    probesMade.increment();
    probes.add(attempt(probe, t0).whenComplete((ignored, failure) -> {
      if (failure == null && System.nanoTime() - t0 > probePatience.toNanos()) {
        // The last attempt had a deadline of its own: served, but after its caller's.
        probeFailures.computeIfAbsent("LATE", k -> new LongAdder()).increment();
      } else if (failure == null) {
        probesSucceeded.increment();
      } else {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        probeFailures.computeIfAbsent(probe.classify(cause), k -> new LongAdder()).increment();
      }
      slowestProbeNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
    }));
  }

  /**
   * One probe as a well-behaved caller makes it: refused at once with a retry hint (the
   * orchestrator admitting fewer), it asks again after the hint, as the closed loop's callers
   * do, until its caller's deadline; any other failure is the probe's.
   */
  private CompletableFuture<Object> attempt(Workload probe, long t0) {
    CompletableFuture<Object> started;
    try {
      started = probe.start().thenApply(value -> value);
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    return started.<CompletableFuture<Object>>handle((value, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(value);
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      Optional<Duration> refusal = probe.refusal(cause);
      if (refusal.isPresent()
          && System.nanoTime() - t0 + refusal.get().toNanos() < probePatience.toNanos()) {
        return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(
                refusal.get().toNanos(), TimeUnit.NANOSECONDS))
            .thenCompose(waited -> attempt(probe, t0));
      }
      return CompletableFuture.<Object>failedFuture(cause);
    }).thenCompose(next -> next);
  }

  /** Stops the flood and waits for its last calls and the probe under way. */
  Observed stop() throws InterruptedException {
    if (stop.getCount() > 0) {
      endNanos = System.nanoTime();
      stop.countDown();
    }
    flooders.shutdown();
    timer.shutdownNow();
    // A flood call lasts its 1 ms deadline; a probe at most its own deadline.
    flooders.awaitTermination(1, TimeUnit.MINUTES);
    timer.awaitTermination(1, TimeUnit.MINUTES);
    try {
      CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new))
          .get(1, TimeUnit.MINUTES);
    } catch (ExecutionException | TimeoutException e) {
      // counted as each probe ended
    }
    Map<String, Long> rssPeakMib = new LinkedHashMap<>();
    rssPeakKib.forEach((name, kib) -> {
      if (kib.get() >= 0) {
        rssPeakMib.put(name, kib.get() / 1024);
      }
    });
    return new Observed(sums(calls), Duration.ofNanos(endNanos - startNanos),
        new Probes(probesMade.sum(), probesSucceeded.sum(), sums(probeFailures),
            slowestProbeNanos.get() / 1e6), rssAtStartMib, rssPeakMib);
  }

  private static Map<String, Long> sums(Map<String, LongAdder> counters) {
    Map<String, Long> sums = new TreeMap<>();
    counters.forEach((key, n) -> sums.put(key, n.sum()));
    return sums;
  }

  /** Stops everything at once (after a failure); {@link #stop} is the normal end. */
  @Override
  public void close() {
    stop.countDown();
    flooders.shutdownNow();
    timer.shutdownNow();
  }
}
