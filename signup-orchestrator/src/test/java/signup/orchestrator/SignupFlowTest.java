package signup.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.client.v1.Client;
import signup.client.v1.GetClientRequest;
import signup.common.v1.DeviceType;
import signup.orchestrator.v1.GetSignupRequest;
import signup.orchestrator.v1.SignupRequest;
import signup.orchestrator.v1.SignupResponse;
import signup.orchestrator.v1.SignupState;
import signup.orchestrator.v1.SignupStatus;
import signup.subscription.v1.GetSubscriptionRequest;
import signup.subscription.v1.Subscription;
import signup.subscription.v1.SubscriptionStatus;

/** Sign-ups through the real three servers, checked through their APIs and their files. */
class SignupFlowTest {
  @TempDir Path dataDir;
  SignupSystem system;

  @BeforeEach
  void start() {
    system = SignupSystem.startAll(dataDir);
  }

  @AfterEach
  void stop() {
    system.close();
  }

  @Test
  void signupCreatesTheClientAndItsSubscriptionTogether() {
    SignupResponse response = system.signups().signup(SignupSystem.request(" Ada@Example.COM "));

    assertEquals("ada@example.com", response.getClient().getEmail());
    assertEquals("us-ios", response.getSubscription().getPlan().getPlanId());
    assertEquals(999, response.getSubscription().getPlan().getPrice().getAmountMinor());
    assertEquals("USD", response.getSubscription().getPlan().getPrice().getCurrency());
    assertEquals(SubscriptionStatus.ACTIVE, response.getSubscription().getStatus());
    String clientId = response.getClient().getClientId();
    Client client = system.clients().getClient(
        GetClientRequest.newBuilder().setClientId(clientId).build());
    assertEquals("Ada Lovelace", client.getName());
    assertEquals(response.getClient(), client, "the reply shows the client as GetClient does");
    Subscription subscription = system.subscriptions().getSubscription(
        GetSubscriptionRequest.newBuilder().setClientId(clientId).build());
    assertEquals("us-ios", subscription.getPlan().getPlanId());
    // One id, one creation time: the reply's times are the stored subscription's (they were the
    // log's own, up to seconds apart under load).
    assertEquals(subscription, response.getSubscription(),
        "the reply shows the subscription as GetSubscription does");
    assertEquals(1, system.query("client.db",
        "SELECT count(*) FROM clients WHERE status = 'CONFIRMED'"));
    assertEquals(1, system.query("subscription.db",
        "SELECT count(*) FROM subscriptions WHERE status = 'ACTIVE'"));
    SignupStatus status = system.signups().getSignup(
        GetSignupRequest.newBuilder().setSignupId(response.getSignupId()).build());
    assertEquals(SignupState.DONE, status.getState());
  }

  @Test
  void theOrchestratorLogNeverHoldsThePassword() {
    system.signups().signup(SignupSystem.request("ada@example.com"));

    assertEquals(0, system.query("orchestrator.db", "SELECT count(*) FROM signup_txn WHERE "
        + "instr(coalesce(fingerprint, '') || coalesce(name, '') || coalesce(email, ''), '"
        + SignupSystem.PASSWORD + "') > 0"));
    assertFalse(system.signups().signup(SignupSystem.request("bob@example.com")).toString()
        .contains(SignupSystem.PASSWORD));
  }

  @Test
  void duplicateEmailIsRejectedWithAlreadyExistsAndLeavesNoSubscription() {
    system.signups().signup(SignupSystem.request("ada@example.com"));

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(SignupSystem.request("ADA@example.com")));

    assertEquals(Status.Code.ALREADY_EXISTS, e.getStatus().getCode());
    assertEquals(1, system.clientRows());
    assertEquals(1, system.subscriptionRows());
  }

  @Test
  void aRefusedSignupNamesItsSignupIdSoThatGetSignupTellsHowItEnded() {
    system.signups().signup(SignupSystem.request("ada@example.com"));

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(SignupSystem.request("ada@example.com")));

    assertEquals(Status.Code.ALREADY_EXISTS, e.getStatus().getCode());
    ErrorInfo info = ErrorDetails.errorInfo(e);
    assertEquals("SIGNUP_ABORTED", info.getReason());
    SignupStatus status = system.signups().getSignup(GetSignupRequest.newBuilder()
        .setSignupId(info.getMetadataOrThrow("signup_id")).build());
    assertEquals(SignupState.ABORTED, status.getState());
    assertEquals("ALREADY_EXISTS", status.getFailureCode());
  }

  @Test
  void everyBadFieldIsNamedAndNothingIsWritten() {
    SignupRequest bad = SignupRequest.newBuilder()
        .setEmail("not-an-email")
        .setName("")
        .setPassword("short")
        .setRegion("ZZ")
        .setDevice(DeviceType.DEVICE_TYPE_UNSPECIFIED)
        .build();

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(bad));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    Set<String> fields = StatusProto.fromThrowable(e).getDetailsList().stream()
        .filter(any -> any.is(BadRequest.class))
        .flatMap(any -> unpack(any).getFieldViolationsList().stream())
        .map(BadRequest.FieldViolation::getField)
        .collect(Collectors.toSet());
    assertEquals(Set.of("email", "name", "password", "region", "device"), fields);
    assertTrue(e.getStatus().getDescription().contains("region: unknown code ZZ"));
    assertEquals(0, system.query("orchestrator.db", "SELECT count(*) FROM signup_txn"));
    assertEquals(0, system.clientRows());
  }

  @Test
  void replayWithTheSameRequestIdReturnsTheFirstOutcome() {
    SignupRequest request = SignupSystem.request("ada@example.com").toBuilder()
        .setRequestId("req-1").build();

    SignupResponse first = system.signups().signup(request);
    SignupResponse again = system.signups().signup(request);

    assertEquals(first, again);
    assertEquals(system.subscriptions().getSubscription(GetSubscriptionRequest.newBuilder()
        .setClientId(first.getClient().getClientId()).build()), again.getSubscription(),
        "a replay, answered from the log, shows the stored subscription too");
    assertEquals(1, system.clientRows());
    SignupStatus byRequest = system.signups().getSignup(
        GetSignupRequest.newBuilder().setRequestId("req-1").build());
    assertEquals(first.getSignupId(), byRequest.getSignupId());
  }

  @Test
  void replayOfAFailedRequestReturnsTheSameFailure() {
    system.signups().signup(SignupSystem.request("ada@example.com"));
    SignupRequest duplicate = SignupSystem.request("ada@example.com").toBuilder()
        .setRequestId("req-dup").build();

    StatusRuntimeException first = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(duplicate));
    StatusRuntimeException again = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(duplicate));

    assertEquals(Status.Code.ALREADY_EXISTS, first.getStatus().getCode());
    assertEquals(Status.Code.ALREADY_EXISTS, again.getStatus().getCode());
    assertEquals(2, system.query("orchestrator.db", "SELECT count(*) FROM signup_txn"));
  }

  @Test
  void theSameRequestIdWithOtherDetailsIsInvalid() {
    system.signups().signup(SignupSystem.request("ada@example.com").toBuilder()
        .setRequestId("req-2").build());

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(SignupSystem.request("bob@example.com").toBuilder()
            .setRequestId("req-2").build()));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().startsWith("request_id:"));
    assertEquals(1, system.clientRows());
  }

  @Test
  void concurrentRepliesOfOneRequestIdCreateOneSignup() throws Exception {
    SignupRequest request = SignupSystem.request("ada@example.com").toBuilder()
        .setRequestId("req-concurrent").build();
    List<SignupResponse> responses = runConcurrently(8, () -> system.signups().signup(request));

    assertEquals(1, responses.stream().map(SignupResponse::getSignupId).distinct().count());
    assertEquals(1, system.clientRows());
  }

  @Test
  void twentyConcurrentSignupsOfOneEmailCreateExactlyOneClient() throws Exception {
    List<Status.Code> codes = runConcurrently(20, () -> {
      try {
        system.signups().signup(SignupSystem.request("race@example.com"));
        return Status.Code.OK;
      } catch (StatusRuntimeException e) {
        return e.getStatus().getCode();
      }
    });

    assertEquals(1, codes.stream().filter(c -> c == Status.Code.OK).count(), codes::toString);
    // Under load too: a loser's reserve is refused at once, not queued behind the winner's hash
    // until the reserve deadline (DEADLINE_EXCEEDED for 17 of 19 before).
    assertEquals(19, codes.stream().filter(c -> c == Status.Code.ALREADY_EXISTS).count(),
        codes::toString);
    assertEquals(1, system.clientRows());
    assertEquals(1, system.subscriptionRows());
  }

  @Test
  void getSignupOfAnUnknownIdIsNotFound() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> system.signups().getSignup(
            GetSignupRequest.newBuilder().setSignupId("no-such-signup").build()));

    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }

  private static <T> List<T> runConcurrently(int threads, Callable<T> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(() -> {
          go.await();
          return call.call();
        }));
      }
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static BadRequest unpack(com.google.protobuf.Any any) {
    try {
      return any.unpack(BadRequest.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
