package signup.orchestrator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static signup.orchestrator.JsonLogCapture.mdc;
import static signup.orchestrator.JsonLogCapture.message;

import com.google.gson.JsonObject;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.client.domain.Argon2Settings;
import signup.client.v1.ClientParticipantGrpc;
import signup.common.domain.ParticipantSettings;
import signup.orchestrator.v1.GetSignupRequest;
import signup.orchestrator.v1.SignupRequest;
import signup.orchestrator.v1.SignupState;

/**
 * The three real servers, tracing on and logging every step (DEBUG) in the JSON format: every
 * line a sign-up produces, on whichever thread of whichever service, carries its {@code txn_id}
 * and the {@code trace_id} of its trace as fields of their own, on the happy path and on the
 * failure paths (an abort, a confirm retried, a cancel finished by recovery); and no line holds
 * what the caller typed (the e-mail, the name, the password).
 */
class SignupLogLinesTest {
  private static final String SIGNUP_SPAN = "signup.orchestrator.v1.SignupService/Signup";
  private static final AttributeKey<String> TXN_ID = AttributeKey.stringKey("txn_id");
  private static final String NAME = "Grace Hopper";

  @TempDir Path dataDir;
  private final InMemoryTraces traces = new InMemoryTraces();
  private SignupSystem system;
  private FaultyProxy clientProxy;

  @AfterEach
  void stop() {
    if (system != null) {
      system.close();
    }
    if (clientProxy != null) {
      clientProxy.close();
    }
    traces.close();
  }

  private void startWithTheClientBehindAProxy() {
    system = new SignupSystem(dataDir, SignupSystem.FAST, ParticipantSettings.DEFAULTS)
        .withHashing(Argon2Settings.MINIMUM)
        .withTracing(traces::forService)
        .startClient().startSubscription();
    clientProxy = FaultyProxy.inFrontOf(SignupSystem.target(system.clientPort));
    system.startOrchestrator(clientProxy.target(), SignupSystem.target(system.subscriptionPort));
  }

  @Test
  void everyLineOfADoneAnAbortedAndARetriedSignupCarriesItsTxnIdAndTraceId() {
    startWithTheClientBehindAProxy();
    List<JsonObject> lines;
    String done;
    String aborted;
    String retried;
    try (JsonLogCapture logs = JsonLogCapture.start()) {
      done = signup("req-done", "grace@example.com");

      StatusRuntimeException duplicate = assertThrows(StatusRuntimeException.class,
          () -> signup("req-aborted", "grace@example.com"));
      assertEquals(Status.Code.ALREADY_EXISTS, duplicate.getStatus().getCode());
      aborted = txnOf("req-aborted");

      // client-server confirms, and its first two answers are lost on the way back: the
      // orchestrator retries the confirm until one arrives.
      clientProxy.loseReplies(ClientParticipantGrpc.getConfirmMethod(), 2);
      try {
        signup("req-retried", "hopper@example.com");
      } catch (StatusRuntimeException pending) {
        assertEquals(Status.Code.DEADLINE_EXCEEDED, pending.getStatus().getCode());
      }
      retried = txnOf("req-retried");
      awaitState(retried, SignupState.DONE);
      lines = logs.lines();
    }

    assertCarriesItsIds(lines, done, "reserved", "confirmed");
    assertCarriesItsIds(lines, aborted, "ABORTING", "ABORTED", "cancelled");
    assertCarriesItsIds(lines, retried, "retrying", "confirmed");
    assertHoldsNothingTyped(lines);
  }

  @Test
  void theLinesOfACancelThatRecoveryFinishesCarryTheTxnIdAndTraceIdToo() {
    startWithTheClientBehindAProxy();
    List<JsonObject> lines;
    String aborted;
    try (JsonLogCapture logs = JsonLogCapture.start()) {
      system.stopSubscription();
      StatusRuntimeException down = assertThrows(StatusRuntimeException.class,
          () -> signup("req-down", "grace@example.com"));
      assertEquals(Status.Code.UNAVAILABLE, down.getStatus().getCode());
      aborted = txnOf("req-down");
      // Its cancel on subscription-server did not get through: recovery finishes it.
      system.startSubscription();
      awaitState(aborted, SignupState.ABORTED);
      lines = logs.lines();
    }

    assertCarriesItsIds(lines, aborted, "ABORTING", "left to recovery", "recovery: ABORTED");
    assertHoldsNothingTyped(lines);
  }

  /**
   * The lines about {@code txnId} (those naming it, and those whose MDC names it or its trace)
   * carry both ids, come from each of the three services, and include each of {@code expected}.
   */
  private void assertCarriesItsIds(List<JsonObject> lines, String txnId, String... expected) {
    String traceId = traceOf(txnId);
    List<JsonObject> about = lines.stream()
        .filter(line -> message(line).contains(txnId) || txnId.equals(mdc(line, "txn_id"))
            || traceId.equals(mdc(line, "trace_id")))
        .toList();
    for (JsonObject line : about) {
      assertEquals(txnId, mdc(line, "txn_id"), "txn_id of " + line);
      assertEquals(traceId, mdc(line, "trace_id"), "trace_id of " + line);
    }
    String loggers = about.stream().map(line -> line.get("loggerName").getAsString())
        .collect(Collectors.joining(" "));
    for (String service : List.of("signup.orchestrator.", "signup.client.",
        "signup.subscription.")) {
      assertTrue(loggers.contains(service), "no line of " + service + " about " + txnId + ": "
          + describe(about));
    }
    for (String step : expected) {
      assertTrue(about.stream().anyMatch(line -> message(line).contains(step)),
          "no line about " + txnId + " says " + step + ": " + describe(about));
    }
  }

  private static void assertHoldsNothingTyped(List<JsonObject> lines) {
    assertFalse(lines.isEmpty());
    for (JsonObject line : lines) {
      String all = line.toString();
      for (String typed : List.of("grace@example.com", "hopper@example.com", NAME,
          SignupSystem.PASSWORD)) {
        assertFalse(all.contains(typed), "a line holds " + typed + ": " + all);
      }
    }
  }

  private String signup(String requestId, String email) {
    return system.signups().signup(SignupRequest.newBuilder(SignupSystem.request(email))
        .setName(NAME).setRequestId(requestId).build()).getSignupId();
  }

  private String txnOf(String requestId) {
    return system.signups().getSignup(GetSignupRequest.newBuilder().setRequestId(requestId)
        .build()).getSignupId();
  }

  private void awaitState(String txnId, SignupState state) {
    await().atMost(Duration.ofSeconds(15)).until(() -> system.signups().getSignup(
        GetSignupRequest.newBuilder().setSignupId(txnId).build()).getState() == state);
  }

  /** The trace of the Signup call that began {@code txnId}. */
  private String traceOf(String txnId) {
    return await().atMost(Duration.ofSeconds(10)).until(() -> traces.spans().stream()
            .filter(span -> span.getName().equals(SIGNUP_SPAN)
                && txnId.equals(span.getAttributes().get(TXN_ID)))
            .map(SpanData::getTraceId)
            .findFirst(), Optional::isPresent)
        .orElseThrow();
  }

  private static String describe(List<JsonObject> lines) {
    return lines.stream()
        .map(line -> "\n  [" + line.get("threadName").getAsString() + "] "
            + line.get("loggerName").getAsString() + " " + line.get("mdc") + " "
            + message(line))
        .collect(Collectors.joining());
  }
}
