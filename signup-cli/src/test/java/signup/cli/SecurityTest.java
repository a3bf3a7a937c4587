package signup.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import signup.cli.SignupCli;
import signup.client.v1.ClientParticipantGrpc;
import signup.client.v1.GetClientRequest;
import signup.client.v1.ReserveClientRequest;
import signup.common.TestCertificates;
import signup.common.domain.ParticipantSettings;
import signup.common.security.InternalToken;
import signup.common.security.TlsFiles;
import signup.common.security.Transport;
import signup.common.v1.DeviceType;
import signup.orchestrator.SignupSystem;
import signup.orchestrator.v1.ResolveTransactionRequest;
import signup.orchestrator.v1.SignupResponse;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;
import signup.subscription.v1.GetSubscriptionRequest;
import signup.subscription.v1.ReserveSubscriptionRequest;
import signup.subscription.v1.SubscribeRequest;
import signup.subscription.v1.SubscriptionParticipantGrpc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Only the services may call each other's internal RPCs; the public surface runs over TLS when
 * asked; and a password never leaves the client store's hash column in any form.
 */
class SecurityTest {
  private static final String SECRET = "Tr0ub4dor&3-known-password";

  @TempDir Path dataDir;
  @TempDir Path certificateDir;
  SignupSystem system;
  ManagedChannel anonymous;
  private Runnable restoreLogging = () -> {};

  @AfterEach
  void stop() {
    if (anonymous != null) {
      anonymous.shutdownNow();
    }
    system.close();
    restoreLogging.run();
  }

  @Test
  void internalCallsWithoutTheTokenAreUnauthenticatedAndWriteNothing() {
    system = SignupSystem.startAll(dataDir);

    StatusRuntimeException client = assertThrows(StatusRuntimeException.class,
        () -> ClientParticipantGrpc.newBlockingStub(anonymous(system.clientPort))
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .reserve(ReserveClientRequest.newBuilder().setTxnId("t-1").setClientId("c-1")
                .setEmail("eve@example.com").setName("Eve").setPassword(SECRET)
                .setRegion("US").setDevice(DeviceType.IOS).build()));
    StatusRuntimeException subscription = assertThrows(StatusRuntimeException.class,
        () -> SubscriptionParticipantGrpc.newBlockingStub(anonymous(system.subscriptionPort))
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .reserve(ReserveSubscriptionRequest.newBuilder().setTxnId("t-1").setClientId("c-1")
                .setRegion("US").setDevice(DeviceType.IOS).build()));
    StatusRuntimeException coordinator = assertThrows(StatusRuntimeException.class,
        () -> TransactionCoordinatorGrpc.newBlockingStub(anonymous(system.orchestratorPort))
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .resolveTransaction(ResolveTransactionRequest.newBuilder().setTxnId("t-1").build()));

    assertEquals(Status.Code.UNAUTHENTICATED, client.getStatus().getCode());
    assertEquals(Status.Code.UNAUTHENTICATED, subscription.getStatus().getCode());
    assertEquals(Status.Code.UNAUTHENTICATED, coordinator.getStatus().getCode());
    assertEquals(0, system.query("client.db", "SELECT count(*) FROM txn_barrier"));
    assertEquals(0, system.query("subscription.db", "SELECT count(*) FROM txn_barrier"));
    assertEquals(0, system.query("orchestrator.db", "SELECT count(*) FROM signup_txn"));
  }

  @Test
  void thePasswordAppearsInNoLogNoReplyNoRowAndNoFileAndItsHashStaysInTheClientStore()
      throws IOException {
    List<String> logs = new CopyOnWriteArrayList<>();
    restoreLogging = captureLogs(logs);
    system = SignupSystem.startAll(dataDir);

    SignupResponse reply = system.signups().signup(
        SignupSystem.request("ada@example.com").toBuilder().setPassword(SECRET).build());
    StatusRuntimeException duplicate = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(
            SignupSystem.request("ADA@example.com").toBuilder().setPassword(SECRET).build()));
    StatusRuntimeException invalid = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(SignupSystem.request("bad").toBuilder()
            .setPassword(SECRET + "x".repeat(200)).build()));
    system.close();

    String hash = hashOf("ada@example.com");
    assertTrue(hash.startsWith("$argon2id$v=19$"), hash);
    List<String> seen = Stream.of(List.of(reply.toString(), String.valueOf(duplicate),
        String.valueOf(duplicate.getTrailers()), String.valueOf(invalid),
        String.valueOf(invalid.getTrailers())), logs).flatMap(List::stream).toList();
    for (String text : seen) {
      assertFalse(text.contains(SECRET), () -> "password in: " + text);
      assertFalse(text.contains(hash.substring(hash.lastIndexOf('$'))),
          () -> "hash in: " + text);
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertFalse(bytes.contains(SECRET), () -> "password in " + file);
        if (!file.getFileName().toString().startsWith("client.db")) {
          assertFalse(bytes.contains(hash), () -> "hash outside the client store: " + file);
        }
      }
    }
  }

  @Test
  void noAccessTokenPasswordHashOrPrivateKeyAppearsInAnyLogLineOrReplyOfALogIn()
      throws Exception {
    List<String> logs = new CopyOnWriteArrayList<>();
    restoreLogging = captureLogs(logs);
    system = SignupSystem.startAll(dataDir);
    String annId = system.signups().signup(SignupSystem.request("ann@example.com").toBuilder()
        .setPassword(SECRET).build()).getClient().getClientId();
    String bobId = system.signups().signup(SignupSystem.request("bob@example.com"))
        .getClient().getClientId();

    String token = system.login("ann@example.com", SECRET);
    List<Object> replies = new ArrayList<>();
    replies.add(assertThrows(StatusRuntimeException.class,
        () -> system.login("ann@example.com", SECRET + "-wrong")));
    replies.add(system.clientsWith(token).getClient(GetClientRequest.newBuilder()
        .setClientId(annId).build()));
    replies.add(assertThrows(StatusRuntimeException.class, () -> system.clientsWith(token)
        .getClient(GetClientRequest.newBuilder().setClientId(bobId).build())));
    replies.add(assertThrows(StatusRuntimeException.class, () -> system.subscriptionsWith(
        token + "x").getSubscription(GetSubscriptionRequest.newBuilder().setClientId(annId)
            .build())));
    replies.add(system.subscriptionsWith(token).subscribe(SubscribeRequest.newBuilder()
        .setClientId(annId).setPlanId("global").build()));
    replies.add(assertThrows(StatusRuntimeException.class, () -> system.anonymousSubscriptions()
        .subscribe(SubscribeRequest.newBuilder().setClientId(bobId).setPlanId("global")
            .build())));
    String internal = Files.readString(dataDir.resolve(InternalToken.FILE_NAME)).strip();
    String privateKey = privateKeyOfTheSigningKey();
    system.close();

    String hash = hashOf("ann@example.com");
    String signature = token.substring(token.lastIndexOf('.') + 1);
    List<String> seen = new ArrayList<>(logs);
    for (Object reply : replies) {
      seen.add(String.valueOf(reply));
      if (reply instanceof StatusRuntimeException e) {
        seen.add(String.valueOf(e.getTrailers()));
      }
    }
    assertTrue(logs.stream().anyMatch(line -> line.contains("logged in")),
        "DEBUG lines were captured: " + logs.size());
    for (String text : seen) {
      assertFalse(text.contains(SECRET), () -> "password in: " + text);
      assertFalse(text.contains(signature), () -> "access token in: " + text);
      assertFalse(text.contains(hash.substring(hash.lastIndexOf('$'))), () -> "hash in: " + text);
      assertFalse(text.contains(privateKey), () -> "private key in: " + text);
      assertFalse(text.contains(internal), () -> "internal token in: " + text);
    }
  }

  @Test
  void theDatabaseHoldingTheSigningKeyIsReadableByItsOwnerOnly() throws Exception {
    system = SignupSystem.startAll(dataDir);
    system.signups().signup(SignupSystem.request("ann@example.com"));
    system.login("ann@example.com", SignupSystem.PASSWORD);

    try (Stream<Path> files = Files.list(dataDir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("client.db"))
          .toList()) {
        assertEquals("rw-------", PosixFilePermissions.toString(
            Files.getPosixFilePermissions(file)), file.toString());
      }
    }
  }

  @Test
  void theWholeSystemRunsOverTlsAndTheCliConnectsWithItsCa() {
    TestCertificates certificates = new TestCertificates(certificateDir);
    TestCertificates.Pem server = certificates.issue("server");
    Transport tls = new Transport(InternalToken.of("tls-test-token-0123456789abcdefghij"),
        new TlsFiles(server.certificate(), server.privateKey(), certificates.ca(), false));
    system = new SignupSystem(dataDir, SignupSystem.FAST, ParticipantSettings.DEFAULTS)
        .withTransport(tls).startClient().startSubscription().startOrchestrator();

    String target = "localhost:" + system.orchestratorPort;
    Run overTls = cli("signup", "--target", target, "--ca", certificates.ca().toString(),
        "--email", "ada@example.com", "--name", "Ada", "--region", "US", "--device", "IOS",
        "--password-stdin");
    Run plaintext = cli("signup", "--target", target, "--email", "bob@example.com",
        "--name", "Bob", "--region", "US", "--device", "IOS", "--password-stdin");

    assertEquals(0, overTls.exit(), overTls.err());
    assertTrue(overTls.out().contains("us-ios"), overTls.out());
    assertEquals(5, plaintext.exit(), plaintext.err());
    assertEquals(1, system.clientRows());
  }

  private record Run(int exit, String out, String err) {}

  private static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var commandLine = SignupCli.commandLine(
        new ByteArrayInputStream((SECRET + "\n").getBytes(StandardCharsets.UTF_8)));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exit = commandLine.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private ManagedChannel anonymous(int port) {
    anonymous = Grpc.newChannelBuilder("localhost:" + port, InsecureChannelCredentials.create())
        .build();
    return anonymous;
  }

  /** The private part ("d") of the signing key, as client.db keeps it. */
  private String privateKeyOfTheSigningKey() throws Exception {
    try (var c = java.sql.DriverManager.getConnection(
            "jdbc:sqlite:" + dataDir.resolve("client.db"));
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT private_jwk FROM signing_keys")) {
      assertTrue(rs.next(), "a signing key was made");
      return com.nimbusds.jose.jwk.ECKey.parse(rs.getString(1)).getD().toString();
    }
  }

  private String hashOf(String email) {
    try (var c = java.sql.DriverManager.getConnection(
            "jdbc:sqlite:" + dataDir.resolve("client.db"));
        var s = c.prepareStatement("SELECT password_hash FROM clients WHERE email = ?")) {
      s.setString(1, email);
      try (var rs = s.executeQuery()) {
        assertTrue(rs.next(), "no client " + email);
        return rs.getString(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Collects every log line of every server (they run in this JVM), at DEBUG, with stack
   * traces; returns what puts logging back as it was.
   */
  private static Runnable captureLogs(List<String> lines) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    PatternLayout layout = new PatternLayout();
    layout.setContext(context);
    layout.setPattern("%msg %ex{full}");
    layout.start();
    AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        lines.add(layout.doLayout(event));
      }
    };
    appender.setContext(context);
    appender.start();
    Level before = root.getLevel();
    root.addAppender(appender);
    root.setLevel(Level.DEBUG);
    return () -> {
      root.detachAppender(appender);
      root.setLevel(before);
    };
  }
}
