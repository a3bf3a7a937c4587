package signup.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static signup.orchestrator.BadInput.answered;
import static signup.orchestrator.BadInput.refused;
import static signup.orchestrator.BadInput.tombstone;
import static signup.orchestrator.OrchestratorBadInputs.CLEF;
import static signup.orchestrator.OrchestratorBadInputs.DEVICE_RULE;
import static signup.orchestrator.OrchestratorBadInputs.FI_LIGATURE;
import static signup.orchestrator.OrchestratorBadInputs.KELVIN;
import static signup.orchestrator.OrchestratorBadInputs.newEmail;
import static signup.orchestrator.OrchestratorBadInputs.newId;

import io.grpc.Status.Code;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import signup.client.v1.CancelClientRequest;
import signup.client.v1.ConfirmClientRequest;
import signup.client.v1.GetClientByEmailRequest;
import signup.client.v1.GetClientRequest;
import signup.client.v1.LoginRequest;
import signup.client.v1.ReserveClientRequest;
import signup.common.v1.DeviceType;
import signup.orchestrator.BadInput.Fixture;
import signup.orchestrator.BadInput.Step;

/** The bad-input table of client-server: ClientService and ClientParticipant. */
final class ClientBadInputs {
  private ClientBadInputs() {}

  static Stream<BadInput> clientService() {
    String unknownClient = newId();
    return Stream.of(
        getClientRefused("client_id empty", ""),
        getClientRefused("client_id with a space", "has space"),
        getClientRefused("client_id of 129 characters", "c".repeat(129)),
        getClientRefused("client_id of 60,000 characters", "c".repeat(60_000)),
        getClientRefused("client_id with a NUL", "id\u0000"),
        getClientRefused("client_id with U+FFFD", "id\uFFFD"),
        answered("GetClient of an unknown client_id, named whole",
            f -> f.clients().getClient(GetClientRequest.newBuilder().setClientId(unknownClient)
                .build()), Code.NOT_FOUND, "no client with client_id " + unknownClient),
        answered("GetClient of an SQL-looking client_id",
            f -> f.clients().getClient(GetClientRequest.newBuilder()
                .setClientId("1'OR'1'='1").build()), Code.NOT_FOUND, "client_id"),
        getByEmailRefused("email empty", ""),
        getByEmailRefused("email without @", "nope"),
        getByEmailRefused("email of 300 characters", "a@" + "b".repeat(294) + ".com"),
        getByEmailRefused("email with a NUL", "ada\u0000@example.com"),
        getByEmailRefused("email with a Kelvin sign", KELVIN + "elvin@example.com"),
        answered("GetClientByEmail of an unknown email",
            f -> f.clients().getClientByEmail(GetClientByEmailRequest.newBuilder()
                .setEmail(newEmail()).build()), Code.NOT_FOUND, "email"),
        answered("GetClientByEmail of an SQL-looking but valid email",
            f -> f.clients().getClientByEmail(GetClientByEmailRequest.newBuilder()
                .setEmail("x'or'1'='1@example.com").build()), Code.NOT_FOUND, "email"),
        answered("GetClientByEmail of the seed's email in upper case finds the seed",
            f -> {
              var client = f.clients().getClientByEmail(GetClientByEmailRequest.newBuilder()
                  .setEmail(Fixture.SEED_EMAIL.toUpperCase(Locale.ROOT)).build());
              assertEquals(f.seedClientId(), client.getClientId());
              return client;
            }, Code.OK, null),
        loginRefused("email and password empty", "", "", "email", "password"),
        loginRefused("email empty", "", SignupSystem.PASSWORD, "email"),
        loginRefused("password empty", Fixture.SEED_EMAIL, "", "password"),
        loginRefused("email of 300 characters", "a@" + "b".repeat(294) + ".com",
            SignupSystem.PASSWORD, "email"),
        loginRefused("email without @", "nope", SignupSystem.PASSWORD, "email"),
        loginRefused("password of 129 code points", Fixture.SEED_EMAIL, "p".repeat(129),
            "password"),
        loginRefused("password of 60,000 characters", Fixture.SEED_EMAIL, "p".repeat(60_000),
            "password"),
        answered("ClientService.Login of an unknown email (counted as a failed log-in)",
            login(newEmail(), SignupSystem.PASSWORD), Code.UNAUTHENTICATED,
            "email or password is wrong").writing(BadInput.onlyTheLoginThrottle()),
        answered("ClientService.Login of the seed with a wrong password",
            login(Fixture.SEED_EMAIL, "not-the-password"), Code.UNAUTHENTICATED,
            "email or password is wrong").writing(BadInput.onlyTheLoginThrottle()),
        answered("ClientService.Login of an SQL-looking but valid email",
            login("x'or'1'='1@example.com", "' OR '1'='1"), Code.UNAUTHENTICATED,
            "email or password is wrong").writing(BadInput.onlyTheLoginThrottle()),
        answered("ClientService.Login of the seed in upper case with its password",
            f -> {
              var reply = f.clients().login(LoginRequest.newBuilder()
                  .setEmail(Fixture.SEED_EMAIL.toUpperCase(Locale.ROOT))
                  .setPassword(SignupSystem.PASSWORD).build());
              assertEquals(f.seedClientId(), reply.getClientId());
              return reply;
            }, Code.OK, null).writing(BadInput.onlyTheLoginThrottle()));
  }

  static Stream<BadInput> clientParticipant() {
    String cancelled = newId();
    String cancelledTwice = newId();
    String unknownCancel = newId();
    String unknownConfirm = newId();
    return Stream.of(
        refused("ClientParticipant.Reserve with every field missing",
            f -> f.clientParticipant().reserve(ReserveClientRequest.getDefaultInstance()),
            "txn_id", "client_id", "email", "name", "password", "region", "device"),
        reserveRefused("txn_id empty", r -> r.setTxnId(""), "txn_id"),
        reserveRefused("txn_id with a space", r -> r.setTxnId("has space"), "txn_id"),
        reserveRefused("txn_id of 129 characters", r -> r.setTxnId("t".repeat(129)), "txn_id"),
        reserveRefused("txn_id with U+FFFD", r -> r.setTxnId("txn\uFFFD"), "txn_id"),
        reserveRefused("client_id empty", r -> r.setClientId(""), "client_id"),
        reserveRefused("client_id in Cyrillic", r -> r.setClientId("клиент"), "client_id"),
        reserveRefused("email without a domain", r -> r.setEmail("ada@"), "email"),
        reserveRefused("email with a Kelvin sign", r -> r.setEmail(KELVIN + "@example.com"),
            "email"),
        reserveRefused("name with a bell", r -> r.setName("\u0007Ada"), "name"),
        reserveRefused("name with a right-to-left override", r -> r.setName("Ada\u202E"),
            "name").saying("name: contains a text-direction control (U+202E)"),
        reserveRefused("name with a paragraph separator", r -> r.setName("Ada\u2029"),
            "name").saying("name: contains a line or paragraph separator (U+2029)"),
        reserveRefused("name with 150 combining marks", r -> r.setName("A" + "\u0301"
            .repeat(150)), "name")
            .saying("name: has more than 4 combining marks on one character"),
        reserveRefused("password empty", r -> r.setPassword(""), "password")
            .saying("password: is required"),
        reserveRefused("name of 201 characters", r -> r.setName("n".repeat(201)), "name"),
        reserveRefused("password of 7 code points", r -> r.setPassword(CLEF.repeat(7)),
            "password"),
        reserveRefused("password of 129 code points", r -> r.setPassword("p".repeat(129)),
            "password"),
        reserveRefused("password of 60,000 characters", r -> r.setPassword("p".repeat(60_000)),
            "password"),
        reserveRefused("region ZZ", r -> r.setRegion("ZZ"), "region"),
        reserveRefused("region of a ligature that upper-cases to FI",
            r -> r.setRegion(FI_LIGATURE), "region"),
        reserveRefused("device DEVICE_TYPE_UNSPECIFIED",
            r -> r.setDevice(DeviceType.DEVICE_TYPE_UNSPECIFIED), "device").saying(DEVICE_RULE),
        reserveRefused("device number 99", r -> r.setDeviceValue(99), "device")
            .saying(DEVICE_RULE),
        refused("ClientParticipant.Reserve of the seed's client_id under another txn",
            f -> f.clientParticipant().reserve(reserve().setClientId(f.seedClientId()).build()),
            "client_id"),
        answered("ClientParticipant.Reserve of the seed's email in upper case",
            f -> f.clientParticipant().reserve(reserve().setEmail("SEED@EXAMPLE.COM").build()),
            Code.ALREADY_EXISTS, "email"),
        answered("ClientParticipant.Reserve after its Cancel (the tombstone refuses it)",
            f -> f.clientParticipant().reserve(reserve().setTxnId(cancelled).build()),
            Code.ABORTED, "already cancelled").after(cancelClient(cancelled)),
        answered("ClientParticipant.Reserve replaying the seed's txn",
            f -> {
              var reply = f.clientParticipant().reserve(reserve().setTxnId(f.seedTxnId())
                  .build());
              assertEquals(f.seedClientId(), reply.getClient().getClientId(), "the first one");
              return reply;
            }, Code.OK, null),

        confirmClientRefused("txn_id empty", ""),
        confirmClientRefused("txn_id of 129 characters", "t".repeat(129)),
        answered("ClientParticipant.Confirm of an unknown txn_id",
            f -> f.clientParticipant().confirm(ConfirmClientRequest.newBuilder()
                .setTxnId(unknownConfirm).build()), Code.NOT_FOUND,
            "no reservation with txn_id " + unknownConfirm),
        answered("ClientParticipant.Confirm after its Cancel",
            f -> f.clientParticipant().confirm(ConfirmClientRequest.newBuilder()
                .setTxnId(cancelled).build()), Code.FAILED_PRECONDITION, "already CANCELLED")
            .after(cancelClient(cancelled)),
        answered("ClientParticipant.Confirm of the seed's confirmed txn again",
            f -> f.clientParticipant().confirm(ConfirmClientRequest.newBuilder()
                .setTxnId(f.seedTxnId()).build()), Code.OK, null),

        cancelClientRefused("txn_id empty", ""),
        cancelClientRefused("txn_id with a space", "has space"),
        answered("ClientParticipant.Cancel of an unknown txn_id leaves a tombstone",
            cancelClient(unknownCancel), Code.OK, null)
            .writing(tombstone("client.db", unknownCancel)),
        answered("ClientParticipant.Cancel of a cancelled txn again",
            cancelClient(cancelledTwice), Code.OK, null).after(cancelClient(cancelledTwice)),
        answered("ClientParticipant.Cancel after its Confirm (the seed's txn)",
            f -> f.clientParticipant().cancel(CancelClientRequest.newBuilder()
                .setTxnId(f.seedTxnId()).build()), Code.FAILED_PRECONDITION,
            "already CONFIRMED"));
  }

  // --- row builders ----------------------------------------------------------------------------

  private static ReserveClientRequest.Builder reserve() {
    return ReserveClientRequest.newBuilder()
        .setTxnId(newId())
        .setClientId(newId())
        .setEmail(newEmail())
        .setName("Ada Lovelace")
        .setPassword(SignupSystem.PASSWORD)
        .setRegion("US")
        .setDevice(DeviceType.IOS);
  }

  private static Step cancelClient(String txnId) {
    return f -> f.clientParticipant().cancel(CancelClientRequest.newBuilder().setTxnId(txnId)
        .build());
  }

  private static BadInput getClientRefused(String what, String clientId) {
    return refused("ClientService.GetClient with " + what, f -> f.clients().getClient(
        GetClientRequest.newBuilder().setClientId(clientId).build()), "client_id");
  }

  private static BadInput getByEmailRefused(String what, String email) {
    return refused("ClientService.GetClientByEmail with " + what, f -> f.clients()
        .getClientByEmail(GetClientByEmailRequest.newBuilder().setEmail(email).build()),
        "email");
  }

  private static Step login(String email, String password) {
    return f -> f.clients().login(LoginRequest.newBuilder().setEmail(email)
        .setPassword(password).build());
  }

  private static BadInput loginRefused(String what, String email, String password,
      String... fields) {
    return refused("ClientService.Login with " + what, login(email, password), fields);
  }

  private static BadInput reserveRefused(String what, UnaryOperator<ReserveClientRequest.Builder>
      bad, String field) {
    ReserveClientRequest request = bad.apply(reserve()).build();
    return refused("ClientParticipant.Reserve with " + what,
        f -> f.clientParticipant().reserve(request), field);
  }

  private static BadInput confirmClientRefused(String what, String txnId) {
    return refused("ClientParticipant.Confirm with " + what, f -> f.clientParticipant()
        .confirm(ConfirmClientRequest.newBuilder().setTxnId(txnId).build()), "txn_id");
  }

  private static BadInput cancelClientRefused(String what, String txnId) {
    return refused("ClientParticipant.Cancel with " + what, cancelClient(txnId), "txn_id");
  }
}
