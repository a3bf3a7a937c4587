package signup.client.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.Code;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import signup.client.ClientServerConfig;
import signup.client.InProcessClientServer;
import signup.client.v1.Client;
import signup.client.v1.ConfirmClientBatchRequest;
import signup.client.v1.ConfirmClientBatchResponse;
import signup.client.v1.ConfirmClientResult;
import signup.common.v1.DeviceType;

/**
 * The try-confirm-cancel protocol and the reads, through real stubs on an in-process transport,
 * at production hash cost.
 */
class ClientParticipantGrpcTest {
  @TempDir
  Path dir;
  private InProcessClientServer server;

  @BeforeEach
  void startServer() {
    server = InProcessClientServer.start(ClientServerConfig.defaults(dir.resolve("client.db")),
        Clock.systemUTC());
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    server.close();
  }

  private static Status.Code codeOf(Executable call) {
    return assertThrows(StatusRuntimeException.class, call).getStatus().getCode();
  }

  @Test
  void aReservedThenConfirmedClientCanBeReadByIdAndByEmail() {
    Client reserved = server.reserve("txn-1", "client-1", "  Ann.Lee@Example.com ");
    assertEquals("ann.lee@example.com", reserved.getEmail());
    assertEquals("US", reserved.getRegion());
    assertEquals(DeviceType.IOS, reserved.getDevice());

    Client confirmed = server.confirm("txn-1");

    assertEquals(confirmed, server.getClient("client-1"));
    assertEquals(confirmed, server.getClientByEmail("ANN.LEE@example.COM"));
    assertEquals("Ann Lee", confirmed.getName());
    assertTrue(confirmed.getCreatedAt().getSeconds() > 0);
  }

  @Test
  void aPendingClientIsNotFoundUntilConfirmed() {
    server.reserve("txn-1", "client-1", "ann@example.com");

    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> server.getClient("client-1")));
    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> server.getClientByEmail("ann@example.com")));

    server.confirm("txn-1");
    assertEquals("client-1", server.getClient("client-1").getClientId());
  }

  @Test
  void reserveConfirmAndCancelAreIdempotentPerTxn() {
    Client first = server.reserve("txn-1", "client-1", "ann@example.com");
    assertEquals(first, server.reserve("txn-1", "client-1", "ann@example.com"));

    Client confirmed = server.confirm("txn-1");
    assertEquals(confirmed, server.confirm("txn-1"));

    server.reserve("txn-2", "client-2", "bob@example.com");
    server.cancel("txn-2");
    server.cancel("txn-2");
    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> server.getClient("client-2")));
  }

  @Test
  void aCancelBeforeTheReserveMakesTheLateReserveAbortedAndWritesNoClient() {
    server.cancel("txn-1");

    assertEquals(Status.Code.ABORTED,
        codeOf(() -> server.reserve("txn-1", "client-1", "ann@example.com")));

    // No row holds the e-mail or the id: another sign-up may take them.
    assertEquals("client-1", server.reserve("txn-2", "client-1", "ann@example.com")
        .getClientId());
  }

  @Test
  void aConfirmOfACancelledTxnFailsWithFailedPrecondition() {
    server.reserve("txn-1", "client-1", "ann@example.com");
    server.cancel("txn-1");

    assertEquals(Status.Code.FAILED_PRECONDITION, codeOf(() -> server.confirm("txn-1")));
    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> server.getClient("client-1")));
  }

  @Test
  void aCancelOfAConfirmedTxnFailsWithFailedPreconditionAndTheClientStays() {
    server.reserve("txn-1", "client-1", "ann@example.com");
    server.confirm("txn-1");

    assertEquals(Status.Code.FAILED_PRECONDITION, codeOf(() -> server.cancel("txn-1")));
    assertEquals("client-1", server.getClient("client-1").getClientId());
  }

  @Test
  void aConfirmOfAnUnknownTxnIsNotFound() {
    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> server.confirm("txn-never-reserved")));
  }

  @Test
  void aBatchConfirmsEachTxnAndACancelledUnknownOrBadOneFailsAloneWithItsOwnStatus() {
    server.reserve("txn-1", "client-1", "ann@example.com");
    server.reserve("txn-2", "client-2", "bob@example.com");
    server.cancel("txn-2");
    server.reserve("txn-3", "client-3", "cy@example.com");

    ConfirmClientBatchResponse reply =
        server.confirmBatch("txn-1", "txn-2", "not valid", "txn-never", "txn-3");

    assertEquals(List.of("txn-1", "txn-2", "not valid", "txn-never", "txn-3"),
        reply.getResultsList().stream().map(ConfirmClientResult::getTxnId).toList());
    assertEquals(List.of(Code.OK, Code.FAILED_PRECONDITION, Code.INVALID_ARGUMENT,
            Code.NOT_FOUND, Code.OK),
        reply.getResultsList().stream().map(r -> Code.forNumber(r.getError().getCode()))
            .toList());
    assertTrue(reply.getResults(2).getError().getMessage().contains("txn_id"),
        reply.getResults(2).getError().getMessage());
    assertEquals("client-1", server.getClient("client-1").getClientId());
    assertEquals("client-3", server.getClient("client-3").getClientId());
    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> server.getClient("client-2")));
    // Idempotent, as Confirm is.
    assertEquals(List.of(Code.OK, Code.OK),
        server.confirmBatch("txn-3", "txn-1").getResultsList().stream()
            .map(r -> Code.forNumber(r.getError().getCode())).toList());
  }

  @Test
  void aBatchOfNoTxnsIsInvalidAsAWhole() {
    assertEquals(Status.Code.INVALID_ARGUMENT, codeOf(() -> server.confirmBatch()));
  }

  @Test
  void aBatchWithoutTheInternalTokenIsUnauthenticatedAndConfirmsNothing() {
    server.reserve("txn-1", "client-1", "ann@example.com");

    assertEquals(Status.Code.UNAUTHENTICATED, codeOf(() -> server.anonymousParticipant()
        .confirmBatch(ConfirmClientBatchRequest.newBuilder().addTxnIds("txn-1").build())));

    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> server.getClient("client-1")));
  }

  @Test
  void duplicateEmailIsRejectedWithAlreadyExistsCaseInsensitivelyWhetherPendingOrConfirmed() {
    server.reserve("txn-1", "client-1", "Ann@Example.com");

    StatusRuntimeException pending = assertThrows(StatusRuntimeException.class,
        () -> server.reserve("txn-2", "client-2", "ann@EXAMPLE.com"));
    assertEquals(Status.Code.ALREADY_EXISTS, pending.getStatus().getCode());
    assertEquals("email: already registered", pending.getStatus().getDescription());

    server.confirm("txn-1");
    assertEquals(Status.Code.ALREADY_EXISTS,
        codeOf(() -> server.reserve("txn-3", "client-3", "ANN@example.com")));
    // The refused reserves left no barrier row behind: their txns are unknown.
    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> server.confirm("txn-2")));
    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> server.confirm("txn-3")));
  }

  @Test
  void ofThirtyTwoConcurrentReservesOfOneEmailExactlyOneSucceeds() throws Exception {
    int threads = 32;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Status.Code>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        String n = String.valueOf(i);
        Callable<Status.Code> attempt = () -> {
          go.await();
          try {
            server.reserve("txn-" + n, "client-" + n, "race@example.com");
            return Status.Code.OK;
          } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
          }
        };
        results.add(pool.submit(attempt));
      }
      go.countDown();
      List<Status.Code> codes = new ArrayList<>();
      for (Future<Status.Code> result : results) {
        codes.add(result.get(60, TimeUnit.SECONDS));
      }

      assertEquals(1, codes.stream().filter(c -> c == Status.Code.OK).count(), codes.toString());
      assertEquals(threads - 1,
          codes.stream().filter(c -> c == Status.Code.ALREADY_EXISTS).count(), codes.toString());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void confirmedClientsSurviveARestart() throws InterruptedException {
    server.reserve("txn-1", "client-1", "ann@example.com");
    Client confirmed = server.confirm("txn-1");
    server.reserve("txn-2", "client-2", "bob@example.com");
    server.close();

    server = InProcessClientServer.start(ClientServerConfig.defaults(dir.resolve("client.db")),
        Clock.systemUTC());

    assertEquals(confirmed, server.getClient("client-1"));
    // The pending reservation survived too, and can still be confirmed.
    assertEquals("client-2", server.confirm("txn-2").getClientId());
  }
}
