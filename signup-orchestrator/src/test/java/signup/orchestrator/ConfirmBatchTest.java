package signup.orchestrator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.client.domain.Argon2Settings;
import signup.client.v1.ClientParticipantGrpc;
import signup.client.v1.ConfirmClientBatchResponse;
import signup.common.domain.ParticipantSettings;
import signup.common.metrics.Scrape;
import signup.orchestrator.domain.ProtocolSettings;
import signup.subscription.v1.SubscriptionParticipantGrpc;

/**
 * The second phase in batches, end to end: the three real servers, a proxy in front of each
 * participant that counts its calls, holds the first confirm until every sign-up has committed
 * (so that the others' confirms come while a call is out) and can lose a reply or play a
 * participant older than ConfirmBatch.
 */
class ConfirmBatchTest {
  private static final int SIGNUPS = 16;
  /** Deadlines long enough that a held call is never given up on: the counts stay exact. */
  private static final ProtocolSettings PATIENT = new ProtocolSettings(Duration.ofSeconds(10),
      Duration.ofSeconds(20), Duration.ofSeconds(15), Duration.ofSeconds(10),
      Duration.ofMillis(200));
  private static final MethodDescriptor<?, ?> CLIENT_CONFIRM =
      ClientParticipantGrpc.getConfirmMethod();
  private static final MethodDescriptor<?, ?> CLIENT_BATCH =
      ClientParticipantGrpc.getConfirmBatchMethod();
  private static final MethodDescriptor<?, ?> SUBSCRIPTION_CONFIRM =
      SubscriptionParticipantGrpc.getConfirmMethod();
  private static final MethodDescriptor<?, ?> SUBSCRIPTION_BATCH =
      SubscriptionParticipantGrpc.getConfirmBatchMethod();

  @TempDir Path dataDir;
  private SignupSystem system;
  private FaultyProxy clients;
  private FaultyProxy subscriptions;
  private final ExecutorService callers = Executors.newFixedThreadPool(SIGNUPS);

  @AfterEach
  void stop() {
    callers.shutdownNow();
    for (AutoCloseable part : new AutoCloseable[] {clients, subscriptions, system}) {
      try {
        if (part != null) {
          part.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void theConfirmsOfSignupsThatCommitTogetherTravelInFewerCallsThanSignups() throws Exception {
    start(UnaryOperator.identity());

    List<Status.Code> outcomes = signUpTogether();

    assertEquals(List.of(Status.Code.OK), outcomes.stream().distinct().toList());
    assertEveryoneConfirmed();
    for (FaultyProxy proxy : List.of(clients, subscriptions)) {
      MethodDescriptor<?, ?> single = proxy == clients ? CLIENT_CONFIRM : SUBSCRIPTION_CONFIRM;
      MethodDescriptor<?, ?> batch = proxy == clients ? CLIENT_BATCH : SUBSCRIPTION_BATCH;
      int calls = proxy.answered(single) + proxy.answered(batch);
      // The first confirm alone, the fifteen that queued behind it in one batch (a straggler
      // that committed as the hold was released may make a third).
      assertTrue(proxy.answered(batch) >= 1 && calls <= 3,
          calls + " calls, " + proxy.answered(batch) + " of them batches");
    }
    Scrape metrics = Scrape.of(system.orchestratorMetricsPort());
    for (String participant : List.of("client-server", "subscription-server")) {
      assertEquals(SIGNUPS, metrics.value("signup_confirm_batch_size_sum",
          "participant", participant), "each txn confirmed once, in some call");
      assertTrue(metrics.value("signup_confirm_batch_size_count", "participant", participant)
          <= 3, participant);
    }
  }

  @Test
  void aParticipantThatDoesNotKnowConfirmBatchGetsSingleConfirmsAndEverySignupCompletes()
      throws Exception {
    start(older -> older.without(CLIENT_BATCH));

    List<Status.Code> outcomes = signUpTogether();

    assertEquals(List.of(Status.Code.OK), outcomes.stream().distinct().toList());
    assertEveryoneConfirmed();
    assertEquals(1, clients.refusedAsUnknown(CLIENT_BATCH),
        "asked once; then single confirms, without asking again at each batch");
    assertEquals(SIGNUPS, clients.answered(CLIENT_CONFIRM));
    assertTrue(subscriptions.answered(SUBSCRIPTION_BATCH) >= 1,
        "the other participant still gets batches");
  }

  @Test
  void aBatchWhoseReplyIsLostIsRetriedAndEverySignupReachesDone() throws Exception {
    start(lossy -> lossy.loseReplies(CLIENT_BATCH, 1));

    List<Status.Code> outcomes = signUpTogether();

    assertEquals(List.of(Status.Code.OK), outcomes.stream().distinct().toList());
    assertEveryoneConfirmed();
    assertTrue(clients.answered(CLIENT_BATCH) >= 2, "the lost batch, then its retries");
  }

  @Test
  void aTxnMissingFromABatchReplyIsConfirmedAloneAndEverySignupReachesDone() throws Exception {
    AtomicInteger dropped = new AtomicInteger();
    start(forgetful -> forgetful.rewriteReplies(CLIENT_BATCH, reply -> {
      // The participant confirmed every txn of the batch, but its reply leaves the last out.
      ConfirmClientBatchResponse whole = parse(reply);
      if (whole.getResultsCount() < 2 || dropped.getAndIncrement() > 0) {
        return reply;
      }
      return whole.toBuilder().removeResults(whole.getResultsCount() - 1).build().toByteArray();
    }));

    List<Status.Code> outcomes = signUpTogether();

    assertEquals(1, dropped.get(), "one reply left a txn out");
    assertEquals(List.of(Status.Code.OK), outcomes.stream().distinct().toList());
    assertEveryoneConfirmed();
  }

  private static ConfirmClientBatchResponse parse(byte[] reply) {
    try {
      return ConfirmClientBatchResponse.parseFrom(reply);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The participants behind proxies that hold every single Confirm until {@link #signUpTogether}
   * releases them; {@code clientFaults} adds the client participant's own.
   */
  private void start(UnaryOperator<FaultyProxy> clientFaults) {
    system = new SignupSystem(dataDir, PATIENT, ParticipantSettings.DEFAULTS)
        .withHashing(Argon2Settings.MINIMUM)
        .startClient().startSubscription();
    clients = clientFaults.apply(FaultyProxy.inFrontOf(SignupSystem.target(system.clientPort)))
        .hold(CLIENT_CONFIRM);
    subscriptions = FaultyProxy.inFrontOf(SignupSystem.target(system.subscriptionPort))
        .hold(SUBSCRIPTION_CONFIRM);
    system.startOrchestrator(clients.target(), subscriptions.target());
  }

  /**
   * {@value #SIGNUPS} sign-ups at once. The first confirm to each participant is held until all
   * of them have committed, so the others' confirms are queued behind it when it returns.
   *
   * @return how each Signup call ended
   */
  private List<Status.Code> signUpTogether() throws Exception {
    List<Future<Status.Code>> calls = new ArrayList<>();
    for (int i = 0; i < SIGNUPS; i++) {
      String email = "user" + i + "@example.com";
      calls.add(callers.submit(() -> {
        try {
          system.signups().signup(SignupSystem.request(email));
          return Status.Code.OK;
        } catch (StatusRuntimeException e) {
          return e.getStatus().getCode();
        }
      }));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> logRows("COMMITTING") == SIGNUPS);
    clients.release(CLIENT_CONFIRM);
    subscriptions.release(SUBSCRIPTION_CONFIRM);
    List<Status.Code> outcomes = new ArrayList<>();
    for (Future<Status.Code> call : calls) {
      outcomes.add(call.get());
    }
    return outcomes;
  }

  private void assertEveryoneConfirmed() {
    assertEquals(SIGNUPS, logRows("DONE"));
    assertEquals(SIGNUPS,
        system.query("client.db", "SELECT count(*) FROM clients WHERE status = 'CONFIRMED'"));
    assertEquals(SIGNUPS, system.query("subscription.db",
        "SELECT count(*) FROM subscriptions WHERE status = 'ACTIVE'"));
  }

  private long logRows(String state) {
    return system.query("orchestrator.db",
        "SELECT count(*) FROM signup_txn WHERE state = '" + state + "'");
  }
}
