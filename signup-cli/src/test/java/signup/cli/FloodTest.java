package signup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import signup.bench.ServiceProcess;
import signup.common.domain.ParticipantSettings;
import signup.orchestrator.SignupSystem;
import signup.orchestrator.domain.ProtocolSettings;
import signup.orchestrator.v1.SignupServiceGrpc;

/**
 * A flood of Signup calls that give up after 1 ms, from many threads on a connection of their
 * own, against a real orchestrator process at -Xmx256m and 64 MiB of direct buffers (the
 * participants run in this JVM): the orchestrator starts (almost) none of them, stops reading
 * the flood's connection, its resident memory stays within its budget, and a normal sign-up
 * during the flood and after it goes through. Tried from outside before admission control,
 * 24,000 such calls started ~21,300 sign-ups, the orchestrator's RSS went from 486 MB to
 * 1,118 MB, and a normal sign-up 15 s later still timed out.
 */
@EnabledOnOs(OS.LINUX) // reads the process's RSS from /proc
class FloodTest {
  /** The orchestrator's resident memory at -Xmx256m, at most, under the flood. */
  static final long RSS_BUDGET_MIB = 512;
  private static final Duration FLOOD = Duration.ofSeconds(8);
  private static final int FLOODERS = 16;
  /** Deadlines patient enough for a normal sign-up on a machine the flood keeps busy. */
  private static final ProtocolSettings PATIENT = new ProtocolSettings(Duration.ofSeconds(10),
      Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(2),
      Duration.ofMillis(500));

  @TempDir Path dataDir;
  SignupSystem participants;
  ServiceProcess orchestrator;
  ManagedChannel channel;
  ManagedChannel floodChannel;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (floodChannel != null) {
      floodChannel.shutdownNow();
    }
    if (orchestrator != null) {
      orchestrator.close();
    }
    participants.close();
  }

  @Test
  void aFloodOfOneMillisecondDeadlinesStartsNoSignupKeepsMemoryBoundedAndNormalOnesGoThrough()
      throws Exception {
    participants = new SignupSystem(dataDir, PATIENT, ParticipantSettings.DEFAULTS)
        .startClient().startSubscription();
    // As README's "Memory" launches a server: a heap and a cap on direct buffers.
    orchestrator = ServiceProcess.launch("orchestrator", ServiceProcess.Command.onThisClassPath(
            List.of("-Xmx256m", "-XX:MaxDirectMemorySize=64m"), SignupCli.class.getName(),
            List.of("serve", "orchestrator", "--data-dir", dataDir.toString(), "--port", "0",
                "--client-target", SignupSystem.target(participants.clientPort),
                "--subscription-target", SignupSystem.target(participants.subscriptionPort),
                "--reserve-deadline", "10s", "--try-timeout", "20s")),
        ownEnvironment(), dataDir.resolve("orchestrator.log"));
    int port = orchestrator.awaitListening(Duration.ofSeconds(60));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    SignupServiceGrpc.SignupServiceBlockingStub patient = SignupServiceGrpc
        .newBlockingStub(channel);
    // The attacker's own connection, as a client apart from the normal ones would have.
    floodChannel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    SignupServiceGrpc.SignupServiceBlockingStub hasty = SignupServiceGrpc
        .newBlockingStub(floodChannel);
    patient.withDeadlineAfter(30, TimeUnit.SECONDS)
        .signup(SignupSystem.request("before@example.com"));
    long rssAtRest = rssMib(orchestrator.pid());

    AtomicLong peakRss = new AtomicLong(rssAtRest);
    LongAdder sent = new LongAdder();
    Map<Status.Code, LongAdder> answers = new ConcurrentHashMap<>();
    ExecutorService flooders = Executors.newFixedThreadPool(FLOODERS);
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    long floodEnds = System.nanoTime() + FLOOD.toNanos();
    List<CompletableFuture<Void>> flood = new ArrayList<>();
    try {
      for (int t = 0; t < FLOODERS; t++) {
        int thread = t;
        flood.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; System.nanoTime() < floodEnds; i++) {
            Status.Code code = Status.Code.OK;
            try {
              hasty.withDeadlineAfter(1, TimeUnit.MILLISECONDS).signup(
                  SignupSystem.request("flood-" + thread + "-" + i + "@example.com"));
            } catch (StatusRuntimeException e) {
              code = e.getStatus().getCode();
            }
            sent.increment();
            answers.computeIfAbsent(code, c -> new LongAdder()).increment();
          }
        }, flooders));
      }
      sampler.scheduleAtFixedRate(
          () -> peakRss.accumulateAndGet(rssMib(orchestrator.pid()), Math::max),
          0, 100, TimeUnit.MILLISECONDS);
      // A normal sign-up in the middle of the flood.
      String during = CompletableFuture.supplyAsync(() -> patient
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .signup(SignupSystem.request("during@example.com")).getClient().getEmail(),
          CompletableFuture.delayedExecutor(FLOOD.toMillis() / 4, TimeUnit.MILLISECONDS))
          .join();
      CompletableFuture.allOf(flood.toArray(CompletableFuture[]::new)).join();

      assertEquals("during@example.com", during);
    } finally {
      flooders.shutdownNow();
      sampler.shutdownNow();
    }
    String after = patient.withDeadlineAfter(30, TimeUnit.SECONDS)
        .signup(SignupSystem.request("after@example.com")).getClient().getEmail();
    long started = participants.query("orchestrator.db", "SELECT count(*) FROM signup_txn") - 3;
    List<String> log = Files.readAllLines(orchestrator.log());
    long logLines = log.size();
    System.out.printf("flood: %d calls in %s from %d threads (%s); %d sign-ups started;"
        + " orchestrator RSS %d MiB at rest, %d MiB at most; %d log lines%n", sent.sum(), FLOOD,
        FLOODERS, answers, started, rssAtRest, peakRss.get(), logLines);

    assertEquals("after@example.com", after);
    assertTrue(sent.sum() > 1_000, sent.sum() + " calls: not a flood");
    assertTrue(started <= sent.sum() / 100, started + " of " + sent.sum()
        + " calls nobody waited for were started as sign-ups");
    assertTrue(peakRss.get() <= RSS_BUDGET_MIB, "orchestrator RSS " + peakRss.get()
        + " MiB, over its budget of " + RSS_BUDGET_MIB + " MiB");
    assertTrue(logLines < 200, "a line per refused call? " + logLines + " lines");
    assertTrue(log.stream().anyMatch(line -> line.contains("left unread and closed")),
        "the flood's connection was read to the end: " + String.join("\n", log));
  }

  /** Resident memory of a process, from /proc. */
  private static long rssMib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
      throw new IllegalStateException("no VmRSS for process " + pid);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the memory of process " + pid, e);
    }
  }

  /** The test JVM's environment without any setting of ours (a developer's shell may hold some). */
  private static Map<String, String> ownEnvironment() {
    Map<String, String> environment = new HashMap<>();
    System.getenv().forEach((name, value) -> {
      if (!name.startsWith("SIGNUP_") && !name.startsWith("ORCHESTRATOR_")
          && !name.startsWith("CLIENT_") && !name.startsWith("SUBSCRIPTION_")) {
        environment.put(name, value);
      }
    });
    return environment;
  }
}
