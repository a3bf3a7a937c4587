package signup.cli.crash;

import io.grpc.Channel;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import signup.common.v1.DeviceType;
import signup.cli.crash.SignupDriver.Answer;
import signup.orchestrator.v1.SignupRequest;

/**
 * Closed-loop load: each thread sends its next sign-up as soon as the last one is answered,
 * so the rate is the highest the services sustain. One in twenty re-uses an e-mail that has
 * already signed up (in another letter case), whose only right answer is ALREADY_EXISTS.
 */
final class SoakLoad {
  private static final DeviceType[] DEVICES =
      {DeviceType.IOS, DeviceType.ANDROID, DeviceType.WEB};
  private static final String[] REGIONS = {"US", "GB", "FR", "BR", "JP"};

  final List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
  final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
  final Histogram latencyMicros = new ConcurrentHistogram(60_000_000L, 3);
  private final List<String> signedUp = Collections.synchronizedList(new ArrayList<>());
  private final SignupDriver driver;
  private final long seed;
  private final AtomicInteger next = new AtomicInteger();

  SoakLoad(Channel channel, long seed) {
    this.driver = new SignupDriver(channel);
    this.seed = seed;
  }

  /** Sends from {@code concurrency} threads until {@code endNanos} (System.nanoTime()). */
  void run(int concurrency, long endNanos) {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < concurrency; t++) {
        workers.add(pool.submit(() -> {
          while (System.nanoTime() < endNanos) {
            sendOne(next.getAndIncrement());
          }
        }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("a load thread failed", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private void sendOne(int index) {
    Random random = new Random(seed * 31 + index);
    String duplicateOf = null;
    if (random.nextInt(20) == 0 && !signedUp.isEmpty()) {
      duplicateOf = signedUp.get(random.nextInt(signedUp.size()));
    }
    String email = duplicateOf != null ? duplicateOf.toUpperCase()
        : "soak-" + index + "@soak.example";
    SignupRequest request = SignupRequest.newBuilder()
        .setRequestId(new UUID(random.nextLong(), random.nextLong()).toString())
        .setEmail(email)
        .setName("Soak " + index)
        .setPassword(Workload.PASSWORD)
        .setRegion(REGIONS[random.nextInt(REGIONS.length)])
        .setDevice(DEVICES[random.nextInt(DEVICES.length)])
        .build();
    long started = System.nanoTime();
    Answer answer = driver.send(new Workload.Planned(index, request, true));
    answers.add(answer);
    Status.Code expected = duplicateOf != null ? Status.Code.ALREADY_EXISTS : Status.Code.OK;
    if (answer.code() != expected) {
      unexpected.add(email + ": expected " + expected + ", got " + answer.code() + " "
          + answer.description());
    } else if (expected == Status.Code.OK) {
      latencyMicros.recordValue(Math.min((System.nanoTime() - started) / 1_000, 60_000_000L));
      signedUp.add(email);
    }
  }

  long count(Status.Code code) {
    synchronized (answers) {
      return answers.stream().filter(a -> a.code() == code).count();
    }
  }
}
