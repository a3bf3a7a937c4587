package signup.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import signup.common.SmallFilesystem;
import signup.common.domain.ParticipantSettings;
import signup.common.security.PrivateFiles;
import signup.orchestrator.SignupSystem;
import signup.orchestrator.domain.ProtocolSettings;

/**
 * The three real servers with their files on a real filesystem that fills up (a small tmpfs
 * filled with dd): the caller is told the store is out of space, health says NOT_SERVING while
 * it lasts, nothing is left half-written, and once space is freed the servers serve again
 * without a restart, with a consistent audit.
 */
class DiskFullTest {
  private static final Duration BACK_IN_TIME = Duration.ofSeconds(15);
  /** FAST's recovery, with room for a first password hash on a busy machine. */
  private static final ProtocolSettings PATIENT = new ProtocolSettings(Duration.ofSeconds(10),
      Duration.ofSeconds(15), Duration.ofSeconds(3), Duration.ofSeconds(1),
      Duration.ofMillis(200));

  private static final int SIGNUPS_WHILE_FULL = 20;

  @TempDir Path dir;
  private SmallFilesystem disk;
  private SignupSystem system;
  /** Every log line of the three servers (they run in this JVM) from the moment it starts. */
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void captureLogs() {
    root.addAppender(logs);
  }

  @AfterEach
  void stop() {
    root.detachAppender(logs);
    if (system != null) {
      system.close();
    }
    if (disk != null) {
      disk.close();
    }
  }

  @Test
  void aFullDataDiskAnswersResourceExhaustedAndServesAgainOnceSpaceIsFreed() {
    disk = SmallFilesystem.mount(dir.resolve("data"), 16);
    system = start(disk.path());
    system.signups().signup(SignupSystem.request("ada@example.com"));

    disk.fill();
    logs.start();
    for (int i = 0; i < SIGNUPS_WHILE_FULL; i++) {
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> system.signups().signup(SignupSystem.request("bob@example.com")));

      assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
      assertEquals("the orchestrator database is out of disk space: nothing was written; try "
          + "again later", refused.getStatus().getDescription());
    }
    assertEquals(ServingStatus.NOT_SERVING, health(system.orchestratorPort));
    assertEquals(0, system.query("orchestrator.db",
        "SELECT count(*) FROM signup_txn WHERE email = 'bob@example.com'"));
    assertEquals(1, logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .count(), "one warning for " + SIGNUPS_WHILE_FULL + " sign-ups: " + logs.list);

    long freed = System.nanoTime();
    disk.free();

    await().atMost(BACK_IN_TIME).until(() -> health(system.orchestratorPort)
        == ServingStatus.SERVING);
    System.out.printf("disk full: %d sign-ups refused with RESOURCE_EXHAUSTED, %d log line(s) at"
        + " WARN or above; SERVING again %d ms after the space was freed%n", SIGNUPS_WHILE_FULL,
        logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).count(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - freed));
    system.signups().signup(SignupSystem.request("bob@example.com"));
    Consistency.assertBoth(system, "bob@example.com");
    Consistency.assertAuditPasses(disk.path());
  }

  @Test
  void aParticipantWhoseDiskIsFullMakesTheSignupResourceExhaustedNamingIt() throws Exception {
    // Only client.db (with its -wal and -shm, which SQLite puts beside the link's target) on
    // the small disk; the other files, and the audit, in the data directory as usual.
    Path data = Files.createDirectories(dir.resolve("data"));
    disk = SmallFilesystem.mount(dir.resolve("client-disk"), 16);
    Path clientFile = disk.path().resolve("client.db");
    PrivateFiles.createFileIfMissing(clientFile);
    Files.createSymbolicLink(data.resolve("client.db"), clientFile);
    system = start(data);
    system.signups().signup(SignupSystem.request("ada@example.com"));

    disk.fill();
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(SignupSystem.request("bob@example.com")));

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
    assertEquals("client-server: the client database is out of disk space: nothing was "
        + "written; try again later", refused.getStatus().getDescription());
    assertEquals(ServingStatus.NOT_SERVING, health(system.clientPort));
    assertEquals(ServingStatus.SERVING, health(system.orchestratorPort));
    assertEquals(ServingStatus.SERVING, health(system.subscriptionPort));
    assertEquals(0, system.query("client.db",
        "SELECT count(*) FROM clients WHERE email = 'bob@example.com'"));

    disk.free();

    await().atMost(BACK_IN_TIME).until(() -> health(system.clientPort)
        == ServingStatus.SERVING);
    // The aborted sign-up's cancels, refused by the full disk too, are finished by recovery.
    await().atMost(BACK_IN_TIME).until(() -> system.query("orchestrator.db",
        "SELECT count(*) FROM signup_txn WHERE state NOT IN ('DONE', 'ABORTED')") == 0);
    assertEquals(1, system.clientRows(), "only ada");
    assertEquals(1, system.subscriptionRows(), "only ada's");
    system.signups().signup(SignupSystem.request("bob@example.com"));
    Consistency.assertBoth(system, "bob@example.com");
    Consistency.assertAuditPasses(data);
  }

  private static SignupSystem start(Path dataDir) {
    return new SignupSystem(dataDir, PATIENT, ParticipantSettings.DEFAULTS)
        .startClient().startSubscription().startOrchestrator();
  }

  private ServingStatus health(int port) {
    return HealthGrpc.newBlockingStub(system.channel(port))
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus();
  }
}
