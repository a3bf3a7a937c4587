package signup.cli.crash;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import signup.orchestrator.v1.SignupRequest;
import signup.orchestrator.v1.SignupResponse;
import signup.orchestrator.v1.SignupServiceGrpc;

/**
 * Sends sign-ups concurrently through the public API and records what the caller saw, as a
 * client would: an answer (acknowledged), a definite refusal, or no reliable answer (unknown).
 */
final class SignupDriver {
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

  /** How the caller saw one sign-up end. */
  enum Seen { ACKNOWLEDGED, REJECTED, UNKNOWN }

  /** What came back for one request. */
  record Answer(Workload.Planned planned, Status.Code code, String description, String clientId,
      String subscriptionId) {
    Seen seen() {
      return switch (code) {
        case OK -> Seen.ACKNOWLEDGED;
        case ALREADY_EXISTS, INVALID_ARGUMENT -> Seen.REJECTED;
        // The reply may be lost (UNAVAILABLE, DEADLINE_EXCEEDED, a dropped connection), or
        // the abort's cause is transient: only a re-ask after recovery says how it ended.
        default -> Seen.UNKNOWN;
      };
    }
  }

  private final Channel channel;

  SignupDriver(Channel channel) {
    this.channel = channel;
  }

  /** One sign-up, waiting for the orchestrator to be reachable (as a retrying client would). */
  Answer send(Workload.Planned planned) {
    return send(planned, planned.request());
  }

  private Answer send(Workload.Planned planned, SignupRequest request) {
    try {
      SignupResponse response = SignupServiceGrpc.newBlockingStub(channel)
          .withWaitForReady()
          .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .signup(request);
      return new Answer(planned, Status.Code.OK, "", response.getClient().getClientId(),
          response.getSubscription().getSubscriptionId());
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      return new Answer(planned, status.getCode(), String.valueOf(status.getDescription()), null,
          null);
    }
  }

  /**
   * Sends every sign-up of {@code work} from {@code concurrency} threads, in index order.
   *
   * @param beforeSend runs on the sending thread with the index just taken, before the gate
   *     (the harness plans a kill there)
   * @param gate waited on before each send (the harness waits for every service to listen)
   * @param onAcknowledged run after each sign-up answered OK
   */
  List<Answer> sendAll(List<Workload.Planned> work, int concurrency, IntConsumer beforeSend,
      Runnable gate, Runnable onAcknowledged) {
    List<Answer> answers = Collections.synchronizedList(new ArrayList<>(work.size()));
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < concurrency; t++) {
        workers.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < work.size(); i = next.getAndIncrement()) {
            beforeSend.accept(i);
            gate.run();
            Answer answer = send(work.get(i));
            answers.add(answer);
            if (answer.code() == Status.Code.OK) {
              onAcknowledged.run();
            }
          }
        }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("a sending thread failed", e);
    } finally {
      pool.shutdownNow();
    }
    return List.copyOf(answers);
  }
}
