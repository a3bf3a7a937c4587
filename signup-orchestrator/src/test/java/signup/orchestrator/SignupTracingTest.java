package signup.orchestrator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.client.domain.Argon2Settings;
import signup.common.domain.ParticipantSettings;
import signup.orchestrator.v1.SignupRequest;
import signup.orchestrator.v1.SignupResponse;

/**
 * The three real servers, each tracing into an in-memory exporter: one sign-up is one trace
 * whose spans come from all three in the right parent/child shape, and none of them holds the
 * e-mail, the name or the password.
 */
class SignupTracingTest {
  private static final AttributeKey<String> SERVICE = InMemoryTraces.SERVICE;
  private static final AttributeKey<String> TXN_ID = AttributeKey.stringKey("txn_id");
  private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("request_id");
  private static final String EMAIL = "ada.trace@example.com";

  @TempDir Path dataDir;
  private final InMemoryTraces traces = new InMemoryTraces();
  private SignupSystem system;

  @AfterEach
  void stop() {
    if (system != null) {
      system.close();
    }
    traces.close();
  }

  @Test
  void oneSignupIsOneTraceAcrossTheThreeServersInTheRightShape() {
    system = new SignupSystem(dataDir, SignupSystem.FAST, ParticipantSettings.DEFAULTS)
        .withHashing(Argon2Settings.MINIMUM)
        .withTracing(traces::forService)
        .startClient().startSubscription().startOrchestrator();
    traces.reset();

    SignupResponse response = system.signups().signup(SignupRequest.newBuilder(
        SignupSystem.request(EMAIL)).setRequestId("req-trace-1").build());
    String txnId = response.getSignupId();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertTrue(names().containsAll(
        Set.of("signup.orchestrator.v1.SignupService/Signup", "signup_log DONE",
            "confirm client-server", "confirm subscription-server")),
        describe(traces.spans())));
    List<SpanData> spans = traces.spans();
    assertEquals(1, spans.stream().map(SpanData::getTraceId).distinct().count(),
        "one trace: " + describe(spans));
    assertEquals(Set.of("orchestrator", "client-server", "subscription-server"),
        spans.stream().map(s -> s.getResource().getAttribute(SERVICE))
            .collect(Collectors.toSet()));

    SpanData root = only(spans, "orchestrator", "signup.orchestrator.v1.SignupService/Signup");
    assertEquals(SpanKind.SERVER, root.getKind());
    assertFalse(root.getParentSpanContext().isValid(), "the Signup call is the root");
    assertEquals(txnId, root.getAttributes().get(TXN_ID));
    assertEquals("req-trace-1", root.getAttributes().get(REQUEST_ID));
    for (String step : List.of("signup_log TRYING", "signup_log COMMITTING", "signup_log DONE",
        "reserve client-server", "reserve subscription-server", "confirm client-server",
        "confirm subscription-server")) {
      SpanData span = only(spans, "orchestrator", step);
      assertEquals(root.getSpanId(), span.getParentSpanId(), step + " is the Signup's child");
      assertEquals(txnId, span.getAttributes().get(TXN_ID), step);
    }
    for (String participant : List.of("client", "subscription")) {
      String service = participant + "-server";
      String grpc = "signup." + participant + ".v1."
          + (participant.equals("client") ? "ClientParticipant" : "SubscriptionParticipant");
      for (String method : List.of("Reserve", "Confirm")) {
        SpanData step = only(spans, "orchestrator",
            method.toLowerCase(java.util.Locale.ROOT) + " " + service);
        SpanData call = only(spans, "orchestrator", grpc + "/" + method);
        SpanData served = only(spans, service, grpc + "/" + method);
        assertEquals(SpanKind.CLIENT, call.getKind());
        assertEquals(step.getSpanId(), call.getParentSpanId(), "the call is its step's child");
        assertEquals(SpanKind.SERVER, served.getKind());
        assertEquals(call.getSpanId(), served.getParentSpanId(),
            "the participant continues the orchestrator's call (traceparent)");
        assertEquals(txnId, served.getAttributes().get(TXN_ID));
        assertTrue(spans.stream().anyMatch(s -> s.getName().equals(participant + " db write")
                && s.getParentSpanId().equals(served.getSpanId())),
            method + " on " + participant + " has its database write: " + describe(spans));
      }
    }
    SpanData reserve = only(spans, "client-server", "signup.client.v1.ClientParticipant/Reserve");
    SpanData hash = only(spans, "client-server", "password hash");
    assertEquals(reserve.getSpanId(), hash.getParentSpanId(), "the hash is the Reserve's child");
    assertTrue(hash.getEndEpochNanos() > hash.getStartEpochNanos());

    for (SpanData span : spans) {
      String all = span.getName() + " " + span.getAttributes() + " " + span.getStatus();
      for (String secret : List.of(EMAIL, "Ada Lovelace", SignupSystem.PASSWORD)) {
        assertFalse(all.contains(secret), span.getName() + " holds " + secret + ": " + all);
      }
    }
  }

  private Set<String> names() {
    return traces.spans().stream().map(SpanData::getName)
        .collect(Collectors.toSet());
  }

  private static SpanData only(List<SpanData> spans, String service, String name) {
    List<SpanData> found = spans.stream()
        .filter(s -> s.getName().equals(name)
            && service.equals(s.getResource().getAttribute(SERVICE)))
        .toList();
    assertEquals(1, found.size(), service + " / " + name + " in " + describe(spans));
    return found.get(0);
  }

  private static String describe(List<SpanData> spans) {
    return spans.stream().map(s -> s.getResource().getAttribute(SERVICE) + ":" + s.getName()
            + "(" + s.getSpanId() + "<" + s.getParentSpanId() + ")")
        .collect(Collectors.joining(", "));
  }
}
