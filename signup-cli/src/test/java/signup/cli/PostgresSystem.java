package signup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import signup.client.ClientServer;
import signup.client.ClientServerConfig;
import signup.client.domain.Argon2Settings;
import signup.common.domain.ParticipantSettings;
import signup.common.domain.Retention;
import signup.common.grpc.GrpcServerHost;
import signup.common.security.InternalToken;
import signup.common.security.Transport;
import signup.common.store.DatabaseLocation.PostgresServer;
import signup.common.store.TestPostgres;
import signup.orchestrator.OrchestratorConfig;
import signup.orchestrator.OrchestratorServer;
import signup.orchestrator.SignupSystem;
import signup.orchestrator.v1.SignupServiceGrpc;
import signup.subscription.SubscriptionServer;
import signup.subscription.SubscriptionServerConfig;

/**
 * The three services on one PostgreSQL server, each with a database of its own that its
 * replicas share: {@code replicas} of each, real servers on localhost ports in the test's JVM,
 * every target a list of all the replicas of the service it names.
 */
final class PostgresSystem implements AutoCloseable {
  static final ParticipantSettings PARTICIPANT =
      new ParticipantSettings(Duration.ofSeconds(5), Duration.ofMillis(500));

  final PostgresServer orchestratorDb;
  final PostgresServer clientDb;
  final PostgresServer subscriptionDb;
  final GrpcServerHost[] orchestrators;
  final GrpcServerHost[] clients;
  final GrpcServerHost[] subscriptions;
  final int[] orchestratorPorts;
  private final Path dir;
  private final Transport transport;
  private final List<ManagedChannel> channels = new ArrayList<>();

  PostgresSystem(TestPostgres postgres, Path dir, int replicas) {
    this.dir = dir;
    orchestratorDb = postgres.createDatabase();
    clientDb = postgres.createDatabase();
    subscriptionDb = postgres.createDatabase();
    // Every replica presents the same internal token: one for the whole system, as an operator
    // gives it through SIGNUP_INTERNAL_TOKEN or a shared file.
    transport = Transport.plaintext(InternalToken.load(Map.of(),
        dir.resolve(InternalToken.FILE_NAME)));
    orchestratorPorts = ports(replicas);
    int[] clientPorts = ports(replicas);
    int[] subscriptionPorts = ports(replicas);
    orchestrators = new GrpcServerHost[replicas];
    clients = new GrpcServerHost[replicas];
    subscriptions = new GrpcServerHost[replicas];
    for (int i = 0; i < replicas; i++) {
      clients[i] = ClientServer.create(ClientServerConfig.defaults(dir.resolve("unused.db"))
          .withDatabase(clientDb).withPort(clientPorts[i])
          .withCoordinatorTarget(list(orchestratorPorts)).withParticipant(PARTICIPANT)
          .withHashing(Argon2Settings.MINIMUM).withTransport(transport)).start();
      subscriptions[i] = SubscriptionServer.create(new SubscriptionServerConfig("127.0.0.1",
          subscriptionPorts[i], subscriptionDb, list(orchestratorPorts), PARTICIPANT,
          Duration.ofSeconds(1), transport, Retention.DEFAULT)).start();
    }
    for (int i = 0; i < replicas; i++) {
      orchestrators[i] = OrchestratorServer.create(new OrchestratorConfig("127.0.0.1",
          orchestratorPorts[i], orchestratorDb, list(clientPorts), list(subscriptionPorts),
          SignupSystem.FAST, transport, Retention.DEFAULT)).start();
    }
  }

  /** SignupService at {@code target}: one orchestrator, or several as a list. */
  SignupServiceGrpc.SignupServiceBlockingStub signups(String target) {
    return SignupServiceGrpc.newBlockingStub(channel(target));
  }

  /** Every orchestrator, called in turn. */
  SignupServiceGrpc.SignupServiceBlockingStub signups() {
    return signups(list(orchestratorPorts));
  }

  /** What the server at {@code port} reports for itself as a whole. */
  ServingStatus health(GrpcServerHost host) {
    return HealthGrpc.newBlockingStub(channel("127.0.0.1:" + host.port()))
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService("").build()).getStatus();
  }

  /** A single number from one of the databases, read directly, as an auditor would. */
  static long number(PostgresServer db, String sql) {
    try (Connection c = db.openReadOnly();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A single text from one of the databases, read directly. */
  static String string(PostgresServer db, String sql) {
    try (Connection c = db.openReadOnly();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  long unfinishedSignups() {
    return number(orchestratorDb,
        "SELECT count(*) FROM signup_txn WHERE state NOT IN ('DONE', 'ABORTED')");
  }

  /** {@code signup audit} at its strictest on the three PostgreSQL databases. */
  void assertAuditPasses() {
    CommandLine cli = SignupCli.commandLine(new ByteArrayInputStream(new byte[0]));
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));

    int exitCode = cli.execute("audit", "--data-dir", dir.toString(),
        "--client-db-url", clientDb.url() + "?user=" + clientDb.user(),
        "--subscription-db-url", subscriptionDb.url() + "?user=" + subscriptionDb.user(),
        "--orchestrator-db-url", orchestratorDb.url() + "?user=" + orchestratorDb.user(),
        "--max-pending-age", "PT0S");

    assertEquals(0, exitCode, "signup audit:\n" + out);
  }

  private ManagedChannel channel(String target) {
    ManagedChannel channel = transport.channel(target);
    channels.add(channel);
    return channel;
  }

  static String list(int[] ports) {
    List<String> addresses = new ArrayList<>();
    for (int port : ports) {
      addresses.add("127.0.0.1:" + port);
    }
    return String.join(",", addresses);
  }

  private static int[] ports(int count) {
    int[] ports = new int[count];
    for (int i = 0; i < count; i++) {
      ports[i] = SignupSystem.freePort();
    }
    return ports;
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    for (GrpcServerHost[] kind : List.of(orchestrators, clients, subscriptions)) {
      for (GrpcServerHost host : kind) {
        if (host != null) {
          host.close();
        }
      }
    }
  }
}
