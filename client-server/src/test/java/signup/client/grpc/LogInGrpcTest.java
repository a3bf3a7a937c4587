package signup.client.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.RetryInfo;
import com.nimbusds.jose.jwk.JWKSet;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.client.ClientServerConfig;
import signup.client.InProcessClientServer;
import signup.client.domain.Argon2Settings;
import signup.client.domain.LoginThrottleSettings;
import signup.client.v1.GetClientByEmailRequest;
import signup.client.v1.GetClientRequest;
import signup.client.v1.GetPublicKeysRequest;
import signup.client.v1.LoginResponse;
import signup.common.security.AccessToken;
import signup.common.security.AccessTokenVerifier;

/**
 * Log-in, its throttle and the reads it opens, through real stubs on an in-process transport
 * with a real SQLite file (and a cheap hash, except where the hash's cost is the point).
 */
class LogInGrpcTest {
  private static final String PASSWORD = InProcessClientServer.PASSWORD;

  @TempDir
  Path dir;
  private InProcessClientServer server;

  private InProcessClientServer start(ClientServerConfig config) {
    server = InProcessClientServer.start(config, Clock.systemUTC());
    return server;
  }

  private ClientServerConfig cheap() {
    return ClientServerConfig.defaults(dir.resolve("client.db"))
        .withHashing(new Argon2Settings(64, 1, 1));
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.close();
    }
  }

  private void signUp(String txn, String clientId, String email) {
    server.reserve(txn, clientId, email);
    server.confirm(txn);
  }

  @Test
  void aClientLogsInWithAnAccessTokenThatThePublishedKeysVerify() throws Exception {
    start(cheap());
    signUp("txn-1", "client-1", "Ann@Example.com");

    LoginResponse login = server.login("ANN@example.com", PASSWORD);

    assertEquals("client-1", login.getClientId());
    assertEquals("Bearer", login.getTokenType());
    JWKSet keys = JWKSet.parse(server.anonymousClients()
        .getPublicKeys(GetPublicKeysRequest.getDefaultInstance()).getJwks());
    assertFalse(keys.getKeys().get(0).isPrivate(), "only public keys are published");
    AccessToken token = new AccessTokenVerifier(
        kid -> Optional.ofNullable(keys.getKeyByKeyId(kid)).map(k -> k.toECKey()),
        Clock.systemUTC()).verify(login.getAccessToken());
    assertEquals("client-1", token.clientId());
    assertEquals("ann@example.com", token.email());
    assertEquals(login.getExpiresAt().getSeconds(), token.expiresAt().getEpochSecond());
    long ttl = token.expiresAt().getEpochSecond() - System.currentTimeMillis() / 1000;
    assertTrue(ttl > 14 * 60 && ttl <= 15 * 60, "15 minutes by default: " + ttl);
  }

  @Test
  void aWrongPasswordAndAnUnknownEmailGetTheSameAnswer() {
    start(cheap());
    signUp("txn-1", "client-1", "ann@example.com");

    StatusRuntimeException wrong = assertThrows(StatusRuntimeException.class,
        () -> server.login("ann@example.com", "not the password"));
    StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
        () -> server.login("nobody@example.com", PASSWORD));

    assertEquals(Status.Code.UNAUTHENTICATED, wrong.getStatus().getCode());
    assertEquals(wrong.getStatus().toString(), unknown.getStatus().toString());
    assertEquals(String.valueOf(wrong.getTrailers().keys()),
        String.valueOf(unknown.getTrailers().keys()));
  }

  @Test
  void anUnknownEmailCostsAPasswordHashAsAWrongPasswordDoes() {
    // A hash that takes a while, so a path that skipped it would be plainly faster.
    start(ClientServerConfig.defaults(dir.resolve("client.db"))
        .withHashing(new Argon2Settings(64 * 1024, 2, 1)));
    signUp("txn-1", "client-1", "ann@example.com");
    server.login("ann@example.com", PASSWORD); // warm: the first call pays for the JIT

    // The fastest of three of each: a loaded machine only ever adds to a call's time, so the
    // minimum is what the work itself costs.
    long hashNanos = fastestOfThree(() -> server.login("ann@example.com", PASSWORD));
    long unknownNanos = fastestOfThree(() -> server.login("nobody@example.com", PASSWORD));
    long wrongNanos = fastestOfThree(() -> server.login("ann@example.com", "not the password"));

    assertTrue(unknownNanos > hashNanos / 2,
        "unknown e-mail " + unknownNanos / 1_000_000 + " ms, hash " + hashNanos / 1_000_000);
    assertTrue(wrongNanos > hashNanos / 2,
        "wrong password " + wrongNanos / 1_000_000 + " ms, hash " + hashNanos / 1_000_000);
  }

  private static long fastestOfThree(Runnable call) {
    long fastest = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      fastest = Math.min(fastest, timed(call));
    }
    return fastest;
  }

  @Test
  void afterFiveWrongPasswordsEvenTheRightOneIsRefusedWithRetryInfo() throws Exception {
    start(cheap());
    signUp("txn-1", "client-1", "ann@example.com");
    for (int i = 0; i < 5; i++) {
      assertEquals(Status.Code.UNAUTHENTICATED,
          codeOf(() -> server.login("ann@example.com", "wrong password")));
    }

    StatusRuntimeException throttled = assertThrows(StatusRuntimeException.class,
        () -> server.login("ann@example.com", PASSWORD));

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, throttled.getStatus().getCode());
    RetryInfo retry = StatusProto.fromThrowable(throttled).getDetails(0).unpack(RetryInfo.class);
    assertTrue(retry.getRetryDelay().getSeconds() > 14 * 60, retry.toString());
    assertTrue(retry.getRetryDelay().getSeconds() <= 15 * 60, retry.toString());
    // Another e-mail from the same place is not affected.
    signUp("txn-2", "client-2", "bob@example.com");
    assertEquals("client-2", server.login("bob@example.com", PASSWORD).getClientId());
  }

  @Test
  void theThrottleSurvivesARestart() throws Exception {
    ClientServerConfig config = cheap();
    start(config);
    signUp("txn-1", "client-1", "ann@example.com");
    for (int i = 0; i < 5; i++) {
      codeOf(() -> server.login("ann@example.com", "wrong password"));
    }
    server.close();

    start(config);

    assertEquals(Status.Code.RESOURCE_EXHAUSTED,
        codeOf(() -> server.login("ann@example.com", PASSWORD)));
  }

  @Test
  void aSuccessForgetsTheEmailsFailures() {
    start(cheap());
    signUp("txn-1", "client-1", "ann@example.com");
    for (int i = 0; i < 4; i++) {
      codeOf(() -> server.login("ann@example.com", "wrong password"));
    }
    server.login("ann@example.com", PASSWORD);

    for (int i = 0; i < 4; i++) {
      assertEquals(Status.Code.UNAUTHENTICATED,
          codeOf(() -> server.login("ann@example.com", "wrong password")));
    }
    assertEquals("client-1", server.login("ann@example.com", PASSWORD).getClientId());
  }

  @Test
  void manyEmailsTriedFromOneAddressAreThrottledByTheAddress() {
    start(cheap().withThrottle(new LoginThrottleSettings(5, 3, Duration.ofMinutes(15))));
    signUp("txn-1", "client-1", "ann@example.com");
    for (int i = 0; i < 3; i++) {
      int n = i;
      assertEquals(Status.Code.UNAUTHENTICATED,
          codeOf(() -> server.login("guess" + n + "@example.com", PASSWORD)));
    }

    assertEquals(Status.Code.RESOURCE_EXHAUSTED,
        codeOf(() -> server.login("ann@example.com", PASSWORD)));
  }

  @Test
  void aClientsTokenReadsItselfButNotAnother() {
    start(cheap());
    signUp("txn-1", "client-1", "ann@example.com");
    signUp("txn-2", "client-2", "bob@example.com");
    String ann = server.login("ann@example.com", PASSWORD).getAccessToken();

    assertEquals("client-1", server.clientsWith(ann).getClient(GetClientRequest.newBuilder()
        .setClientId("client-1").build()).getClientId());
    assertEquals("client-1", server.clientsWith(ann).getClientByEmail(GetClientByEmailRequest
        .newBuilder().setEmail("ANN@example.com").build()).getClientId());
    assertEquals(Status.Code.PERMISSION_DENIED, codeOf(() -> server.clientsWith(ann)
        .getClient(GetClientRequest.newBuilder().setClientId("client-2").build())));
    assertEquals(Status.Code.PERMISSION_DENIED, codeOf(() -> server.clientsWith(ann)
        .getClientByEmail(GetClientByEmailRequest.newBuilder().setEmail("bob@example.com")
            .build())));
    assertEquals(Status.Code.UNAUTHENTICATED, codeOf(() -> server.anonymousClients()
        .getClient(GetClientRequest.newBuilder().setClientId("client-1").build())));
    assertEquals(Status.Code.UNAUTHENTICATED, codeOf(() -> server.anonymousClients()
        .getClientByEmail(GetClientByEmailRequest.newBuilder().setEmail("ann@example.com")
            .build())));
    assertEquals(Status.Code.UNAUTHENTICATED, codeOf(() -> server.clientsWith(ann + "x")
        .getClient(GetClientRequest.newBuilder().setClientId("client-1").build())));
  }

  private static Status.Code codeOf(Runnable call) {
    return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
  }

  private static long timed(Runnable call) {
    long start = System.nanoTime();
    try {
      call.run();
    } catch (StatusRuntimeException expected) {
      // the refusals are timed too
    }
    return System.nanoTime() - start;
  }
}
