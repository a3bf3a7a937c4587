package signup.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import signup.common.domain.Retention;
import signup.client.store.ClientSchema;
import signup.common.cli.ServerLauncher;
import signup.common.grpc.GrpcServerHost;
import signup.common.grpc.GrpcServerHost.PortInUseException;
import signup.common.store.DatabaseLocation;
import signup.common.store.DatabaseLocation.PostgresServer;
import signup.common.store.DatabaseSpec;
import signup.common.store.TccBarrier;
import signup.common.store.TestPostgres;
import signup.common.store.SqliteDatabase;

/** The command line: options, and start-up failures a person can fix. */
class ClientServerCommandTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return runWith(java.util.Map.of(), args);
  }

  /** With {@code env} as the environment the database login is read from. */
  private int runWith(java.util.Map<String, String> env, String... args) {
    ClientServerCommand client = new ClientServerCommand();
    client.env = env;
    CommandLine command = new CommandLine(client);
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return command.execute(args);
  }

  @Test
  void aSecondServerOnTheSamePortFailsWithExitCode3AndAClearMessage() throws IOException {
    ClientServerConfig first = ClientServerConfig.defaults(dir.resolve("first/client.db"))
        .withPort(0);
    try (GrpcServerHost running = ClientServer.create(first).start()) {
      int port = running.port();

      int exit = run("--port", String.valueOf(port), "--data-dir", dir.resolve("second")
          .toString());

      assertEquals(ServerLauncher.EXIT_CANNOT_START, exit, err.toString());
      assertTrue(err.toString().contains("already in use"), err.toString());
      assertTrue(err.toString().contains("--port"), err.toString());

      GrpcServerHost second = ClientServer.create(
          first.withPort(port).withDatabaseFile(dir.resolve("third/client.db")));
      try {
        assertThrows(PortInUseException.class, second::start);
      } finally {
        second.close();
      }
    }
  }

  @Test
  void aDatabaseFileThatIsNotSqliteStopsTheStartWithExitCode3() throws IOException {
    Files.write(dir.resolve("client.db"), "this is not a database, just text".repeat(200)
        .getBytes());

    int exit = run("--port", "0", "--data-dir", dir.toString());

    assertEquals(ServerLauncher.EXIT_CANNOT_START, exit, err.toString());
    assertTrue(err.toString().startsWith("error: "), err.toString());
    assertTrue(err.toString().contains("client database"), err.toString());
  }

  @Test
  void aDatabaseMigratedByAScriptSinceEditedStopsTheStartWithExitCode3() throws Exception {
    Path file = dir.resolve("client.db");
    SqliteDatabase.open(ClientSchema.SPEC, file).close();
    // What an edit of V1__clients.sql after it ran looks like to Flyway: another checksum.
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("UPDATE client_schema_history SET checksum = checksum + 1"
          + " WHERE version = '1'");
    }

    int exit = run("--port", "0", "--data-dir", dir.toString());

    assertEquals(ServerLauncher.EXIT_CANNOT_START, exit, err.toString());
    assertTrue(err.toString().startsWith("error: refusing the client database at "),
        err.toString());
    assertTrue(err.toString().contains("its client script V1 (clients) was changed after it was "
        + "applied"), err.toString());
  }

  @Test
  void aPostgresqlServerThatCannotBeReachedStopsTheStartWithExitCode3AndOneLine() {
    int exit = runWith(java.util.Map.of("CLIENT_DB_PASSWORD", "s3cret-password"), "--port", "0",
        "--data-dir", dir.toString(), "--db-url", "jdbc:postgresql://127.0.0.1:1/client");

    assertEquals(ServerLauncher.EXIT_CANNOT_START, exit, err.toString());
    assertTrue(err.toString().startsWith(
        "error: cannot reach the client database at postgresql://127.0.0.1:1/client: "),
        err.toString());
    assertEquals(1, err.toString().lines().count(), err.toString());
    assertFalse(err.toString().contains("s3cret"), err.toString());
  }

  @Test
  void anotherServicesPostgresqlDatabaseStopsTheStartWithExitCode3() {
    PostgresServer subscriptions = TestPostgres.shared().createDatabase();
    subscriptions.open(new DatabaseSpec("subscription", 0x53554253,
        List.of(TccBarrier.SCRIPTS))).close();

    int exit = runWith(java.util.Map.of("CLIENT_DB_USER", subscriptions.user()), "--port", "0",
        "--data-dir", dir.toString(), "--db-url", subscriptions.url());

    assertEquals(ServerLauncher.EXIT_CANNOT_START, exit, err.toString());
    assertTrue(err.toString().contains("it belongs to another service (the subscription "
        + "database)"), err.toString());
  }

  @Test
  void aDatabaseUrlWithAPasswordInItIsAUsageErrorThatDoesNotRepeatIt() {
    int exit = run("--port", "0", "--data-dir", dir.toString(), "--db-url",
        "jdbc:postgresql://db.example/client?user=svc&password=s3cret-password");

    assertEquals(2, exit, err.toString());
    assertTrue(err.toString().contains("CLIENT_DB_PASSWORD"), err.toString());
    assertFalse(err.toString().contains("s3cret"), err.toString());
  }

  @Test
  void badOptionsExitWithTheUsageCode() {
    assertEquals(2, run("--port", "70000", "--data-dir", dir.toString()));
    assertEquals(2, run("--reservation-ttl", "PT0S", "--data-dir", dir.toString()));
    assertEquals(2, run("--reservation-ttl", "thirty seconds", "--data-dir", dir.toString()));
    assertTrue(err.toString().contains("--reservation-ttl"), err.toString());
  }

  @Test
  void theOptionsBecomeTheConfigurationWithTheDatabaseInTheDataDirectory() {
    ClientServerCommand command = new ClientServerCommand();
    new CommandLine(command).parseArgs("--port", "0", "--data-dir", dir.toString(),
        "--db-file", "c.db", "--coordinator", "orchestrator:7000", "--reservation-ttl", "1m",
        "--sweep-interval", "500ms", "--coordinator-deadline", "PT3S", "--retention", "P1D");

    ClientServerConfig config = command.config();

    assertEquals(0, config.port());
    assertEquals(DatabaseLocation.sqlite(dir.resolve("c.db")), config.database());
    assertEquals("orchestrator:7000", config.coordinatorTarget());
    assertEquals(Duration.ofMinutes(1), config.participant().reservationTtl());
    assertEquals(Duration.ofMillis(500), config.participant().sweepInterval());
    assertEquals(Duration.ofSeconds(3), config.coordinatorDeadline());
    assertEquals(new Retention(Duration.ofDays(1)), config.retention());
  }

  @Test
  void aRetentionShorterThanTheReservationTtlAndASweepIntervalIsAUsageError() {
    ClientServerCommand command = new ClientServerCommand();
    new CommandLine(command).parseArgs("--port", "0", "--data-dir", dir.toString(),
        "--reservation-ttl", "PT1M", "--sweep-interval", "PT5S", "--retention", "PT64S");

    ParameterException refused = assertThrows(ParameterException.class, command::config);

    assertEquals("--retention must be at least PT1M5S (--reservation-ttl + --sweep-interval), "
        + "not PT1M4S", refused.getMessage());
  }

  @Test
  void helpNamesTheEnvironmentVariables() {
    assertEquals(0, run("--help"));

    for (String env : new String[] {"CLIENT_PORT", "CLIENT_DB", "SIGNUP_COORDINATOR",
        "CLIENT_RESERVATION_TTL", "SIGNUP_DATA_DIR"}) {
      assertTrue(out.toString().contains(env), env + " missing from help");
    }
  }
}
