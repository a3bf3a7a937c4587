package signup.orchestrator;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.function.Function;
import signup.client.ClientServer;
import signup.client.ClientServerConfig;
import signup.client.domain.Argon2Settings;
import signup.client.v1.ClientParticipantGrpc;
import signup.client.v1.ClientServiceGrpc;
import signup.client.v1.LoginRequest;
import signup.common.domain.ParticipantSettings;
import signup.common.domain.Retention;
import signup.common.grpc.GrpcServerHost;
import signup.common.security.BearerToken;
import signup.common.security.Transport;
import signup.common.tracing.Tracing;
import signup.common.v1.DeviceType;
import signup.orchestrator.domain.AdmissionSettings;
import signup.orchestrator.domain.ProtocolSettings;
import signup.orchestrator.v1.SignupRequest;
import signup.orchestrator.v1.SignupServiceGrpc;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;
import signup.subscription.SubscriptionServer;
import signup.subscription.SubscriptionServerConfig;
import signup.subscription.v1.SubscriptionParticipantGrpc;
import signup.subscription.v1.SubscriptionServiceGrpc;
import signup.common.grpc.FreePorts;

/**
 * The three real servers on free localhost ports, with their SQLite files in one directory, for
 * end-to-end tests. Each server can be stopped and started again on its port and file.
 */
public final class SignupSystem implements AutoCloseable {
  public static final String PASSWORD = "correct-horse-battery";

  public final Path dataDir;
  public final int orchestratorPort = freePort();
  public final int clientPort = freePort();
  public final int subscriptionPort = freePort();
  private final ProtocolSettings protocol;
  private final ParticipantSettings participant;
  private GrpcServerHost orchestrator;
  private GrpcServerHost client;
  private GrpcServerHost subscription;
  private final Map<Integer, ManagedChannel> channels = new ConcurrentHashMap<>();

  private Transport transport;
  private Retention retention = Retention.DEFAULT;
  private Argon2Settings hashing = Argon2Settings.OWASP;
  private UnaryOperator<ClientServerConfig> clientSettings = UnaryOperator.identity();
  private Function<String, Tracing> tracing = name -> Tracing.off();
  private AdmissionSettings admission = AdmissionSettings.DEFAULTS;

  public SignupSystem(Path dataDir, ProtocolSettings protocol, ParticipantSettings participant) {
    this.dataDir = dataDir;
    this.protocol = protocol;
    this.participant = participant;
    this.transport = Transport.embeddedDefault(dataDir);
  }

  /** All three servers, and the fixture's own channels, on this transport (TLS, a token). */
  public SignupSystem withTransport(Transport newTransport) {
    this.transport = newTransport;
    return this;
  }

  /** All three servers purge finished rows older than this. */
  SignupSystem withRetention(Retention newRetention) {
    this.retention = newRetention;
    return this;
  }

  /** Each server traces into what {@code tracing} gives for its name (at each start). */
  public SignupSystem withTracing(Function<String, Tracing> newTracing) {
    this.tracing = newTracing;
    return this;
  }

  /** The orchestrator takes on this much (a small bound, a long minimum deadline). */
  public SignupSystem withAdmission(AdmissionSettings newAdmission) {
    this.admission = newAdmission;
    return this;
  }

  /** Password hashes at this cost (MINIMUM where the hash is not what a test is about). */
  public SignupSystem withHashing(Argon2Settings newHashing) {
    this.hashing = newHashing;
    return this;
  }

  /** client-server with other settings (token lifetimes, the log-in throttle). */
  public SignupSystem withClientSettings(UnaryOperator<ClientServerConfig> settings) {
    this.clientSettings = settings;
    return this;
  }

  /** Fast timings, so that the recovery tests do not wait long. */
  public static final ProtocolSettings FAST = new ProtocolSettings(Duration.ofSeconds(2),
      Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofSeconds(1),
      Duration.ofMillis(200));

  public static SignupSystem startAll(Path dataDir) {
    SignupSystem system = new SignupSystem(dataDir, FAST, ParticipantSettings.DEFAULTS);
    return system.startClient().startSubscription().startOrchestrator();
  }

  public SignupSystem startClient() {
    ClientServerConfig config = ClientServerConfig.defaults(dataDir.resolve("client.db"))
        .withPort(clientPort)
        .withCoordinatorTarget(target(orchestratorPort))
        .withParticipant(participant)
        .withRetention(retention)
        .withHashing(hashing)
        .withTransport(transport)
        .withMetricsPort(0);
    client = ClientServer.create(clientSettings.apply(config), tracing.apply(ClientServer.NAME))
        .start();
    return this;
  }

  public SignupSystem startSubscription() {
    subscription = SubscriptionServer.create(new SubscriptionServerConfig("127.0.0.1",
        subscriptionPort, dataDir.resolve("subscription.db"), target(orchestratorPort),
        participant, Duration.ofSeconds(1), transport, retention, target(clientPort), 0),
        tracing.apply(SubscriptionServer.NAME)).start();
    return this;
  }

  public SignupSystem startOrchestrator() {
    return startOrchestrator(target(clientPort), target(subscriptionPort));
  }

  /** With the participants reached at other addresses (a proxy, a dead port). */
  public SignupSystem startOrchestrator(String clientTarget, String subscriptionTarget) {
    OrchestratorConfig config = new OrchestratorConfig("127.0.0.1", orchestratorPort,
        dataDir.resolve("orchestrator.db"), clientTarget, subscriptionTarget, protocol,
        transport, retention, 0, admission);
    orchestrator = OrchestratorServer.create(config, tracing.apply("orchestrator")).start();
    return this;
  }

  public void stopOrchestrator() {
    orchestrator.close();
    orchestrator = null;
  }

  public void stopClient() {
    client.close();
    client = null;
  }

  public void stopSubscription() {
    subscription.close();
    subscription = null;
  }

  /** Where the orchestrator serves /metrics (a free port, chosen at each start). */
  public int orchestratorMetricsPort() {
    return orchestrator.metrics().port().orElseThrow();
  }

  public int clientMetricsPort() {
    return client.metrics().port().orElseThrow();
  }

  public int subscriptionMetricsPort() {
    return subscription.metrics().port().orElseThrow();
  }

  /**
   * The public services as a trusted backend calls them, with the internal token: any client
   * may be read or changed, and GetSignup answers in full. {@code anonymous...} and
   * {@code ...With(token)} call as anyone and as a logged-in client.
   */
  public SignupServiceGrpc.SignupServiceBlockingStub signups() {
    return SignupServiceGrpc.newBlockingStub(internal(channel(orchestratorPort)))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  public SignupServiceGrpc.SignupServiceBlockingStub anonymousSignups() {
    return SignupServiceGrpc.newBlockingStub(channel(orchestratorPort))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  public SignupServiceGrpc.SignupServiceBlockingStub signupsWith(String accessToken) {
    return anonymousSignups().withCallCredentials(new BearerToken(accessToken));
  }

  public TransactionCoordinatorGrpc.TransactionCoordinatorBlockingStub coordinator() {
    return TransactionCoordinatorGrpc.newBlockingStub(internal(channel(orchestratorPort)))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public ClientServiceGrpc.ClientServiceBlockingStub clients() {
    return ClientServiceGrpc.newBlockingStub(internal(channel(clientPort)))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public ClientServiceGrpc.ClientServiceBlockingStub anonymousClients() {
    return ClientServiceGrpc.newBlockingStub(channel(clientPort))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public ClientServiceGrpc.ClientServiceBlockingStub clientsWith(String accessToken) {
    return anonymousClients().withCallCredentials(new BearerToken(accessToken));
  }

  /** Logs in as anyone would, and returns the access token. */
  public String login(String email, String password) {
    return anonymousClients().login(LoginRequest.newBuilder().setEmail(email)
        .setPassword(password).build()).getAccessToken();
  }

  public ClientParticipantGrpc.ClientParticipantBlockingStub clientParticipant() {
    return ClientParticipantGrpc.newBlockingStub(internal(channel(clientPort)))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public SubscriptionServiceGrpc.SubscriptionServiceBlockingStub subscriptions() {
    return SubscriptionServiceGrpc.newBlockingStub(internal(channel(subscriptionPort)))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public SubscriptionServiceGrpc.SubscriptionServiceBlockingStub anonymousSubscriptions() {
    return SubscriptionServiceGrpc.newBlockingStub(channel(subscriptionPort))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public SubscriptionServiceGrpc.SubscriptionServiceBlockingStub subscriptionsWith(
      String accessToken) {
    return anonymousSubscriptions().withCallCredentials(new BearerToken(accessToken));
  }

  public SubscriptionParticipantGrpc.SubscriptionParticipantBlockingStub subscriptionParticipant() {
    return SubscriptionParticipantGrpc.newBlockingStub(internal(channel(subscriptionPort)))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public static SignupRequest request(String email) {
    return SignupRequest.newBuilder()
        .setEmail(email)
        .setName("Ada Lovelace")
        .setPassword(PASSWORD)
        .setRegion("US")
        .setDevice(DeviceType.IOS)
        .build();
  }

  /** A single number from one of the SQLite files, read directly, as an auditor would. */
  public long query(String dbFile, String sql) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(dbFile));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public long clientRows() {
    return query("client.db", "SELECT count(*) FROM clients");
  }

  public long subscriptionRows() {
    return query("subscription.db", "SELECT count(*) FROM subscriptions");
  }

  /** Internal services want the token every server of this data directory shares. */
  public Channel internal(Channel channel) {
    return transport.authenticated(channel);
  }

  public static String target(int port) {
    return "localhost:" + port;
  }

  /** The test's own channel to a port, shared and closed with the system. */
  public ManagedChannel channel(int port) {
    return channels.computeIfAbsent(port, p -> transport.channel(target(p)));
  }

  public static int freePort() {
    return FreePorts.pick();
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    if (orchestrator != null) {
      orchestrator.close();
    }
    if (subscription != null) {
      subscription.close();
    }
    if (client != null) {
      client.close();
    }
  }
}
