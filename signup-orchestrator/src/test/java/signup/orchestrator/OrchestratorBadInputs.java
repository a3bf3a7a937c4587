package signup.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static signup.orchestrator.BadInput.abortRecorded;
import static signup.orchestrator.BadInput.answered;
import static signup.orchestrator.BadInput.refused;
import static signup.orchestrator.BadInput.refusedSignup;
import static signup.orchestrator.BadInput.signedUp;

import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import signup.orchestrator.BadInput.Fixture;
import signup.orchestrator.v1.Decision;
import signup.orchestrator.v1.GetSignupRequest;
import signup.orchestrator.v1.ResolveTransactionRequest;
import signup.orchestrator.v1.SignupRequest;
import signup.orchestrator.v1.SignupState;

/** The bad-input table of the orchestrator's RPCs: Signup, GetSignup, ResolveTransaction. */
final class OrchestratorBadInputs {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  /** 𝄞, one code point and two Java chars: lengths are counted in code points. */
  static final String CLEF = "\uD834\uDD1E";
  /** 𝒜, a letter outside the BMP. */
  static final String SCRIPT_A = "\uD835\uDC9C";
  /** "\u212A", the Kelvin sign, which Java lower-cases to an ASCII "k". */
  static final String KELVIN = "\u212A";
  /** "ﬁ", a ligature that Java upper-cases to "FI", Finland's code. */
  static final String FI_LIGATURE = "\uFB01";
  /** "ı", the dotless i, which Java upper-cases to an ASCII "I". */
  static final String DOTLESS_I = "\u0131";
  /** The one wording of the device rule, in every service. */
  static final String DEVICE_RULE = "device: must be one of IOS, ANDROID, WEB";

  private OrchestratorBadInputs() {}

  /** A fresh address, so that the sign-ups of different rows never collide. */
  static String newEmail() {
    return "case-" + SEQUENCE.incrementAndGet() + "@example.com";
  }

  static String newId() {
    return UUID.randomUUID().toString();
  }

  /** A domain of {@code length} characters, of labels no longer than 63. */
  static String domainOf(int length) {
    StringBuilder domain = new StringBuilder();
    while (length - domain.length() > 64 + 4) {
      domain.append("d".repeat(63)).append('.');
    }
    return domain.append("d".repeat(length - domain.length() - 4)).append(".com").toString();
  }

  static Stream<BadInput> signup() {
    return Stream.of(
        refused("Signup with every field missing",
            f -> f.signups().signup(SignupRequest.getDefaultInstance()),
            "email", "name", "password", "region", "device"),
        refused("Signup with every field bad at once",
            f -> f.signups().signup(SignupRequest.newBuilder().setRequestId("has space")
                .setEmail("nope").setName("\u0000").setPassword("short").setRegion("ZZ")
                .setDeviceValue(99).build()),
            "request_id", "email", "name", "password", "region", "device"),

        signupRefused("email empty", r -> r.setEmail(""), "email"),
        signupRefused("email of spaces only", r -> r.setEmail("   "), "email"),
        signupRefused("email without @", r -> r.setEmail("ada.example.com"), "email"),
        signupRefused("email without a domain", r -> r.setEmail("ada@"), "email"),
        signupRefused("email without a local part", r -> r.setEmail("@example.com"), "email"),
        signupRefused("email with two @", r -> r.setEmail("ada@@example.com"), "email"),
        signupRefused("email without a dot in the domain", r -> r.setEmail("ada@example"),
            "email"),
        signupRefused("email with a space inside", r -> r.setEmail("ada lovelace@example.com"),
            "email"),
        signupRefused("email with two dots in a row", r -> r.setEmail("ada..l@example.com"),
            "email"),
        signupRefused("email of 255 characters",
            r -> r.setEmail("a".repeat(64) + "@" + domainOf(190)), "email"),
        signupRefused("email with a local part of 65 characters",
            r -> r.setEmail("a".repeat(65) + "@example.com"), "email"),
        signupRefused("email with a NUL inside", r -> r.setEmail("ada\u0000@example.com"),
            "email"),
        signupRefused("email with a bell inside", r -> r.setEmail("ad\u0007a@example.com"),
            "email"),
        signupRefused("email with a line break inside", r -> r.setEmail("ada\n@example.com"),
            "email"),
        signupRefused("email with U+FFFD inside", r -> r.setEmail("ad\uFFFDa@example.com"),
            "email"),
        signupRefused("email with a non-ASCII letter", r -> r.setEmail("adä@example.com"),
            "email"),
        signupRefused("email with a Kelvin sign that lower-cases to ASCII k",
            r -> r.setEmail(KELVIN + "elvin@example.com"), "email"),
        signupRefused("email that is an SQL statement",
            r -> r.setEmail("x'); DROP TABLE clients;--@example.com"), "email"),
        signupAccepted("email of 254 characters",
            r -> r.setEmail("a".repeat(64) + "@" + domainOf(189))),
        signupAccepted("email with SQL quotes that is still a valid address",
            r -> r.setEmail("x'or'1'='1-" + SEQUENCE.incrementAndGet() + "@example.com")),

        signupRefused("name empty", r -> r.setName(""), "name"),
        signupRefused("name of spaces only", r -> r.setName("   "), "name"),
        signupRefused("name of 201 characters", r -> r.setName("n".repeat(201)), "name"),
        signupRefused("name of 60,000 characters (under the size cap)",
            r -> r.setName("n".repeat(60_000)), "name"),
        signupRefused("name with a NUL", r -> r.setName("Ada\u0000"), "name"),
        signupRefused("name with a line break", r -> r.setName("Ada\nLovelace"), "name"),
        signupRefused("name with DEL", r -> r.setName("Ada\u007F"), "name"),
        signupRefused("name with a C1 control (NEL)", r -> r.setName("Ada\u0085"), "name"),
        signupRefused("name with U+FFFD", r -> r.setName("Ada\uFFFD"), "name"),
        signupRefused("name with a private-use character", r -> r.setName("Ada\uE000"),
            "name"),
        signupRefused("name with an unassigned code point", r -> r.setName("Ada\u0378"),
            "name"),
        signupRefused("name without a letter", r -> r.setName("12345"), "name"),
        signupRefused("name with a right-to-left override (U+202E)",
            r -> r.setName("Bob\u202Etxt.exe"), "name")
            .saying("name: contains a text-direction control (U+202E)"),
        signupRefused("name with a first-strong isolate (U+2068)",
            r -> r.setName("Ada\u2068"), "name")
            .saying("name: contains a text-direction control (U+2068)"),
        signupRefused("name of one letter and 199 right-to-left overrides",
            r -> r.setName("A" + "\u202E".repeat(199)), "name")
            .saying("name: contains a text-direction control (U+202E)"),
        signupRefused("name with a line separator (U+2028)",
            r -> r.setName("Ada\u2028Lovelace"), "name")
            .saying("name: contains a line or paragraph separator (U+2028)"),
        signupRefused("name with a zero-width space (U+200B)",
            r -> r.setName("Ada\u200BLovelace"), "name")
            .saying("name: contains an invisible formatting character (U+200B)"),
        signupRefused("name with 150 combining marks on one letter",
            r -> r.setName("Zalgo" + "\u0301".repeat(150)), "name")
            .saying("name: has more than 4 combining marks on one character"),
        signupAccepted("name with four combining marks on one letter",
            r -> r.setName("Zoe\u0308\u0301\u0300\u0302")),
        signupAccepted("name with a zero-width non-joiner inside, as Persian writes it",
            r -> r.setName("\u0639\u0644\u06CC\u200C\u0631\u0636\u0627")),
        signupAccepted("name of 200 letters outside the BMP (400 Java chars)",
            r -> r.setName(SCRIPT_A.repeat(200))),
        signupAccepted("name that is an SQL statement, stored as data",
            r -> r.setName("x'); DROP TABLE clients;--")),

        signupRefused("password empty", r -> r.setPassword(""), "password")
            .saying("password: is required"),
        signupRefused("password of 7 code points (14 Java chars)",
            r -> r.setPassword(CLEF.repeat(7)), "password"),
        signupAccepted("password of 8 code points", r -> r.setPassword(CLEF.repeat(8))),
        signupAccepted("password of 128 code points", r -> r.setPassword(CLEF.repeat(128))),
        signupRefused("password of 129 code points", r -> r.setPassword("p".repeat(129)),
            "password"),
        signupRefused("password with a NUL", r -> r.setPassword("\u0000correct-horse"),
            "password"),
        signupRefused("password with U+FFFD", r -> r.setPassword("correct-horse\uFFFD"),
            "password"),

        signupRefused("region empty", r -> r.setRegion(""), "region"),
        signupRefused("region ZZ (not assigned)", r -> r.setRegion("ZZ"), "region"),
        signupRefused("region USA (alpha-3)", r -> r.setRegion("USA"), "region"),
        signupRefused("region of one letter", r -> r.setRegion("U"), "region"),
        signupRefused("region with a NUL", r -> r.setRegion("U\u0000"), "region"),
        signupRefused("region with U+FFFD", r -> r.setRegion("U\uFFFD"), "region"),
        signupRefused("region that is an SQL comment", r -> r.setRegion("US'--"), "region"),
        signupRefused("region of a ligature that upper-cases to FI",
            r -> r.setRegion(FI_LIGATURE), "region"),
        signupRefused("region with a dotless i that upper-cases to IT",
            r -> r.setRegion(DOTLESS_I + "t"), "region"),

        signupRefused("device DEVICE_TYPE_UNSPECIFIED",
            r -> r.setDevice(signup.common.v1.DeviceType.DEVICE_TYPE_UNSPECIFIED), "device")
            .saying(DEVICE_RULE),
        signupRefused("device number 99, unknown to this build", r -> r.setDeviceValue(99),
            "device").saying(DEVICE_RULE),
        signupRefused("device number -1", r -> r.setDeviceValue(-1), "device"),

        signupRefused("request_id with a space", r -> r.setRequestId("has space"),
            "request_id").saying("request_id: must be printable ASCII without spaces"),
        signupRefused("request_id of 129 characters", r -> r.setRequestId("r".repeat(129)),
            "request_id"),
        signupRefused("request_id in Cyrillic", r -> r.setRequestId("ключ"), "request_id"),
        signupRefused("request_id with a NUL", r -> r.setRequestId("key\u0000"), "request_id"),
        signupRefused("request_id with U+FFFD", r -> r.setRequestId("key\uFFFD"), "request_id"),
        signupRefused("request_id that is an SQL statement",
            r -> r.setRequestId("x'); DROP TABLE signup_txn;--"), "request_id"),
        signupAccepted("request_id of 128 characters",
            r -> r.setRequestId(("r" + newId()).repeat(4).substring(0, 128))),
        signupRefused("request_id of an earlier sign-up with other details",
            r -> r.setRequestId(Fixture.SEED_REQUEST_ID), "request_id"),
        answered("Signup replaying the seed's request_id with another password",
            f -> {
              var reply = f.signups().signup(seedRequest().setPassword("another-password")
                  .build());
              assertEquals(f.seedTxnId(), reply.getSignupId(), "the first outcome");
              return reply;
            }, Code.OK, null),

        answered("Signup with the seed's email in other case",
            f -> f.signups().signup(SignupSystem.request(
                Fixture.SEED_EMAIL.toUpperCase(Locale.ROOT))),
            Code.ALREADY_EXISTS, "email").writing(refusedSignup("ALREADY_EXISTS")),
        answered("Signup with the seed's email in mixed case and padded",
            f -> f.signups().signup(SignupSystem.request(" Seed@Example.COM\t")),
            Code.ALREADY_EXISTS, "email").writing(refusedSignup("ALREADY_EXISTS")),
        // A caller gone before any answer could reach it: nothing is started for it (a flood
        // of these started a sign-up each).
        answered("Signup with a 1 ms deadline",
            f -> f.signups().withDeadlineAfter(1, TimeUnit.MILLISECONDS)
                .signup(SignupSystem.request(newEmail())),
            Code.DEADLINE_EXCEEDED, null),
        answered("Signup with a deadline already past",
            f -> f.signups().withDeadlineAfter(-1, TimeUnit.SECONDS)
                .signup(SignupSystem.request(newEmail())),
            Code.DEADLINE_EXCEEDED, null));
  }

  static Stream<BadInput> getSignup() {
    String unknownSignupId = newId();
    String duplicateKey = "duplicate-" + newId();
    return Stream.of(
        refused("GetSignup with neither key",
            f -> f.signups().getSignup(GetSignupRequest.getDefaultInstance()), "key")
            .saying("key: is required"),
        getSignupRefused("signup_id set but empty", GetSignupRequest.newBuilder()
            .setSignupId(""), "signup_id"),
        getSignupRefused("signup_id with a space", GetSignupRequest.newBuilder()
            .setSignupId("has space"), "signup_id"),
        getSignupRefused("signup_id of 129 characters", GetSignupRequest.newBuilder()
            .setSignupId("s".repeat(129)), "signup_id"),
        getSignupRefused("signup_id with a NUL", GetSignupRequest.newBuilder()
            .setSignupId("id\u0000"), "signup_id"),
        getSignupRefused("signup_id with U+FFFD", GetSignupRequest.newBuilder()
            .setSignupId("id\uFFFD"), "signup_id"),
        getSignupRefused("request_id set but empty", GetSignupRequest.newBuilder()
            .setRequestId(""), "request_id"),
        getSignupRefused("request_id of 129 characters", GetSignupRequest.newBuilder()
            .setRequestId("r".repeat(129)), "request_id"),
        getSignupRefused("request_id in Cyrillic", GetSignupRequest.newBuilder()
            .setRequestId("ключ"), "request_id"),
        answered("GetSignup of an unknown signup_id, named whole",
            f -> f.signups().getSignup(GetSignupRequest.newBuilder()
                .setSignupId(unknownSignupId).build()), Code.NOT_FOUND,
            "no sign-up with signup_id " + unknownSignupId),
        answered("GetSignup of an unknown request_id",
            f -> f.signups().getSignup(GetSignupRequest.newBuilder().setRequestId(newId())
                .build()), Code.NOT_FOUND, "request_id"),
        answered("GetSignup of an SQL-looking signup_id",
            f -> f.signups().getSignup(GetSignupRequest.newBuilder()
                .setSignupId("x');DROP/**/TABLE/**/signup_txn;--").build()),
            Code.NOT_FOUND, "signup_id"),
        answered("GetSignup of a duplicate that aborted names no client_id",
            f -> {
              var status = f.signups().getSignup(GetSignupRequest.newBuilder()
                  .setRequestId(duplicateKey).build());
              assertEquals(SignupState.ABORTED, status.getState());
              assertEquals("", status.getClientId(), "a client that never exists");
              assertEquals(Fixture.SEED_EMAIL, status.getEmail());
              assertEquals("ALREADY_EXISTS", status.getFailureCode());
              return status;
            }, Code.OK, null)
            .after(f -> {
              StatusRuntimeException duplicate = assertThrows(StatusRuntimeException.class,
                  () -> f.signups().signup(SignupSystem.request(Fixture.SEED_EMAIL)
                      .toBuilder().setRequestId(duplicateKey).build()));
              assertEquals(Code.ALREADY_EXISTS, duplicate.getStatus().getCode());
              return duplicate;
            }),
        answered("GetSignup of the seed by request_id",
            f -> {
              var status = f.signups().getSignup(GetSignupRequest.newBuilder()
                  .setRequestId(Fixture.SEED_REQUEST_ID).build());
              assertEquals(SignupState.DONE, status.getState());
              return status;
            }, Code.OK, null));
  }

  static Stream<BadInput> resolveTransaction() {
    String unknown = newId();
    String sqlLooking = "x');DROP/**/TABLE/**/signup_txn;--" + newId();
    return Stream.of(
        resolveRefused("txn_id empty", ""),
        resolveRefused("txn_id with a space", "has space"),
        resolveRefused("txn_id of 129 characters", "t".repeat(129)),
        resolveRefused("txn_id of 60,000 characters", "t".repeat(60_000)),
        resolveRefused("txn_id with a NUL", "txn\u0000"),
        resolveRefused("txn_id with U+FFFD", "txn\uFFFD"),
        answered("ResolveTransaction of an unknown txn_id records the abort",
            f -> expectDecision(f, unknown, Decision.ABORT), Code.OK, null)
            .writing(abortRecorded(unknown)),
        answered("ResolveTransaction of an SQL-looking txn_id records it as data",
            f -> expectDecision(f, sqlLooking, Decision.ABORT), Code.OK, null)
            .writing(abortRecorded(sqlLooking)),
        answered("ResolveTransaction of the seed's committed txn",
            f -> expectDecision(f, f.seedTxnId(), Decision.COMMIT), Code.OK, null));
  }

  /** The seed's sign-up request (the fixture signs it up before the table runs). */
  static SignupRequest.Builder seedRequest() {
    return SignupSystem.request(Fixture.SEED_EMAIL).toBuilder()
        .setName(Fixture.SEED_NAME)
        .setRequestId(Fixture.SEED_REQUEST_ID);
  }

  private static BadInput signupRefused(String what, UnaryOperator<SignupRequest.Builder> bad,
      String... fields) {
    SignupRequest request = bad.apply(SignupSystem.request(newEmail()).toBuilder()).build();
    return refused("Signup with " + what, f -> f.signups().signup(request), fields);
  }

  private static BadInput signupAccepted(String what, UnaryOperator<SignupRequest.Builder> edge) {
    SignupRequest request = edge.apply(SignupSystem.request(newEmail()).toBuilder()).build();
    return answered("Signup with " + what, f -> f.signups().signup(request), Code.OK, null)
        .writing(signedUp(request.getEmail(), request.getName()));
  }

  private static BadInput getSignupRefused(String what, GetSignupRequest.Builder request,
      String field) {
    return refused("GetSignup with " + what, f -> f.signups().getSignup(request.build()),
        field);
  }

  private static BadInput resolveRefused(String what, String txnId) {
    return refused("ResolveTransaction with " + what, f -> f.coordinator().resolveTransaction(
        ResolveTransactionRequest.newBuilder().setTxnId(txnId).build()), "txn_id");
  }

  private static Object expectDecision(Fixture f, String txnId, Decision expected) {
    var reply = f.coordinator().resolveTransaction(
        ResolveTransactionRequest.newBuilder().setTxnId(txnId).build());
    assertEquals(expected, reply.getDecision());
    return reply;
  }
}
