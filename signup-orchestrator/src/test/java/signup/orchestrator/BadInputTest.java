package signup.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import signup.common.domain.ParticipantSettings;
import signup.orchestrator.BadInput.Fixture;
import signup.orchestrator.domain.ProtocolSettings;

/**
 * Bad input through the real gRPC surface of the three servers, table-driven: every public and
 * internal RPC gets missing, empty, too long, control and not-UTF-8 strings, SQL-looking ones,
 * unknown enum numbers, unknown ids, calls out of order and oversized messages. Each row must
 * get its exact status (never UNKNOWN), name the fields at fault, and leave the three SQLite
 * files holding the same rows, byte for byte, unless the call's documented effect is a write,
 * which is then checked row by row.
 *
 * <p>The three servers run once for the whole table (a row changes nothing, or only what it
 * documents); starting them per row would cost a minute.
 */
class BadInputTest {
  @TempDir static Path dataDir;
  static SignupSystem system;
  static Fixture fixture;

  /** Timing plays no part here: deadlines generous enough for a loaded machine. */
  private static final ProtocolSettings PATIENT = new ProtocolSettings(Duration.ofSeconds(15),
      Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(10),
      Duration.ofMillis(500));

  @BeforeAll
  static void startTheSystemAndSignUpTheSeed() {
    system = new SignupSystem(dataDir, PATIENT, ParticipantSettings.DEFAULTS)
        .startClient().startSubscription().startOrchestrator();
    var seed = system.signups().signup(OrchestratorBadInputs.seedRequest().build());
    fixture = new Fixture(system, seed.getSignupId(), seed.getClient().getClientId());
  }

  @AfterAll
  static void stopTheSystem() {
    system.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"signup.orchestrator.OrchestratorBadInputs#signup",
      "signup.orchestrator.OrchestratorBadInputs#getSignup",
      "signup.orchestrator.OrchestratorBadInputs#resolveTransaction"})
  void theOrchestratorAnswersBadInputWithItsExactStatusAndWritesNothingUndocumented(
      BadInput input) throws Exception {
    check(input);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"signup.orchestrator.ClientBadInputs#clientService",
      "signup.orchestrator.ClientBadInputs#clientParticipant"})
  void theClientServerAnswersBadInputWithItsExactStatusAndWritesNothingUndocumented(
      BadInput input) throws Exception {
    check(input);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"signup.orchestrator.SubscriptionBadInputs#subscriptionService",
      "signup.orchestrator.SubscriptionBadInputs#subscriptionParticipant"})
  void theSubscriptionServerAnswersBadInputWithItsExactStatusAndWritesNothingUndocumented(
      BadInput input) throws Exception {
    check(input);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signup.orchestrator.RawBadInputs#invalidUtf8")
  void aStringFieldHoldingBytesThatAreNotUtf8IsRefusedAndNamed(BadInput input)
      throws Exception {
    check(input);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signup.orchestrator.RawBadInputs#truncated")
  void aMessageCutShortIsRefusedWithInvalidArgument(BadInput input) throws Exception {
    check(input);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signup.orchestrator.RawBadInputs#oversized")
  void aMessageOverTheSizeCapIsRefusedWithResourceExhausted(BadInput input) throws Exception {
    check(input);
  }

  private static void check(BadInput input) throws Exception {
    try {
      checkUnnamed(input);
    } catch (AssertionError e) {
      // Surefire's reports show the row's index only: say which row it was.
      throw new AssertionError(input + ": " + e.getMessage(), e);
    }
  }

  private static void checkUnnamed(BadInput input) throws Exception {
    if (input.setup() != null) {
      input.setup().run(fixture);
    }
    DatabaseSnapshot before = DatabaseSnapshot.of(dataDir);

    StatusRuntimeException failure = null;
    try {
      input.call().run(fixture);
    } catch (StatusRuntimeException e) {
      failure = e;
    }

    Status status = failure == null ? Status.OK : failure.getStatus();
    assertNotEquals(Status.Code.UNKNOWN, status.getCode(), "never UNKNOWN: " + status);
    assertEquals(input.code(), status.getCode(), "status: " + status);
    if (!input.fields().isEmpty()) {
      assertEquals(input.fields(), badRequestFields(failure), "the BadRequest's fields");
      for (String field : input.fields()) {
        assertTrue(status.getDescription().contains(field + ": "),
            field + " is not named in the message: " + status.getDescription());
      }
    }
    if (input.inMessage() != null) {
      assertTrue(String.valueOf(status.getDescription()).contains(input.inMessage()),
          "the message should mention " + input.inMessage() + ": " + status.getDescription());
    }

    DatabaseSnapshot after = DatabaseSnapshot.of(dataDir);
    assertEquals(before.tables().keySet(), after.tables().keySet(), "the same tables");
    input.effect().check(after.since(before));
  }

  private static List<String> badRequestFields(StatusRuntimeException e)
      throws InvalidProtocolBufferException {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    assertTrue(status != null, "the status carries details");
    List<String> fields = new ArrayList<>();
    for (Any detail : status.getDetailsList()) {
      if (detail.is(BadRequest.class)) {
        detail.unpack(BadRequest.class).getFieldViolationsList()
            .forEach(violation -> fields.add(violation.getField()));
      }
    }
    return fields;
  }
}
