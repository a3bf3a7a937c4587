package signup.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import signup.common.domain.TransactionResolver.CoordinatorUnavailableException;
import signup.common.domain.TransactionResolver.Outcome;
import signup.orchestrator.v1.Decision;

class CoordinatorClientTest {
  private final ScriptedCoordinator coordinator =
      new ScriptedCoordinator(txnId -> GrpcServerHostTest.decision(Decision.COMMIT));
  private final CountDownLatch releaseHang = new CountDownLatch(1);
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    String name = InProcessServerBuilder.generateName();
    // Mapped as on every server of ours, so a thrown status reaches the client as thrown.
    server = InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(coordinator,
            new ExceptionMappingInterceptor(StandardErrors::toStatus)))
        .build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    releaseHang.countDown();
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void commitAnswerIsCommit() {
    assertEquals(Outcome.COMMIT, client(Duration.ofSeconds(10)).resolve("txn-1"));
    assertEquals(List.of("txn-1"), coordinator.asked);
  }

  @Test
  void abortAnswerIsAbort() {
    coordinator.script(txnId -> GrpcServerHostTest.decision(Decision.ABORT));
    assertEquals(Outcome.ABORT, client(Duration.ofSeconds(10)).resolve("txn-2"));
  }

  @Test
  void unavailableCoordinatorIsReportedAsUnavailable() {
    coordinator.script(txnId -> {
      throw Status.UNAVAILABLE.withDescription("restarting").asRuntimeException();
    });

    CoordinatorUnavailableException e = assertThrows(CoordinatorUnavailableException.class,
        () -> client(Duration.ofSeconds(10)).resolve("txn-3"));

    assertEquals("UNAVAILABLE: restarting", e.getMessage());
    assertInstanceOf(StatusRuntimeException.class, e.getCause());
  }

  @Test
  void coordinatorTooSlowForTheDeadlineIsReportedAsUnavailable() {
    coordinator.script(txnId -> {
      try {
        releaseHang.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return GrpcServerHostTest.decision(Decision.COMMIT);
    });

    CoordinatorUnavailableException e = assertThrows(CoordinatorUnavailableException.class,
        () -> client(Duration.ofMillis(100)).resolve("txn-4"));

    assertEquals(Status.Code.DEADLINE_EXCEEDED, Status.fromThrowable(e.getCause()).getCode());
    assertTrue(e.getMessage().startsWith("DEADLINE_EXCEEDED"), e.getMessage());
  }

  @Test
  void noCoordinatorAtAllIsReportedAsUnavailable() {
    ManagedChannel nowhere = InProcessChannelBuilder.forName("nobody-listens-here").build();
    try {
      CoordinatorUnavailableException e = assertThrows(CoordinatorUnavailableException.class,
          () -> new CoordinatorClient(nowhere, Duration.ofSeconds(10)).resolve("txn-5"));
      assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(e.getCause()).getCode());
    } finally {
      nowhere.shutdownNow();
    }
  }

  @Test
  void anyOtherErrorIsNotTakenAsAnAnswer() {
    coordinator.script(txnId -> {
      throw Status.INTERNAL.withDescription("bug").asRuntimeException();
    });
    assertThrows(CoordinatorUnavailableException.class,
        () -> client(Duration.ofSeconds(10)).resolve("txn-6"));
  }

  @Test
  void unspecifiedDecisionIsNotTakenAsAnAnswer() {
    coordinator.script(txnId -> GrpcServerHostTest.decision(Decision.DECISION_UNSPECIFIED));

    CoordinatorUnavailableException e = assertThrows(CoordinatorUnavailableException.class,
        () -> client(Duration.ofSeconds(10)).resolve("txn-7"));

    assertTrue(e.getMessage().contains("DECISION_UNSPECIFIED"), e.getMessage());
  }

  private CoordinatorClient client(Duration deadline) {
    return new CoordinatorClient(channel, deadline);
  }
}
