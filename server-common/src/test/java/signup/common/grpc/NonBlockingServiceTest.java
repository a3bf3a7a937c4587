package signup.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.BadRequest;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import signup.common.domain.FieldViolation;
import signup.common.domain.InvalidInputException;
import signup.orchestrator.v1.Decision;
import signup.orchestrator.v1.ResolveTransactionRequest;
import signup.orchestrator.v1.ResolveTransactionResponse;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;

/**
 * Where calls run: a {@link NonBlockingService} on the transport thread, answered later from
 * whichever thread finishes its work; every other service on the host's pool, where it may block.
 */
class NonBlockingServiceTest {
  private static final String HOST = "host-under-test";

  private final ExecutorService worker = Executors.newSingleThreadExecutor(
      r -> new Thread(r, "background-work"));
  private final List<GrpcServerHost> hosts = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void tearDown() {
    channels.forEach(ManagedChannel::shutdownNow);
    hosts.forEach(GrpcServerHost::close);
    worker.shutdownNow();
  }

  /** Answers from the background thread, as a database writer would; records where it ran. */
  private class LaterCoordinator
      extends TransactionCoordinatorGrpc.TransactionCoordinatorImplBase
      implements NonBlockingService {
    final List<String> handlerThreads = new CopyOnWriteArrayList<>();

    @Override
    public void resolveTransaction(ResolveTransactionRequest request,
        StreamObserver<ResolveTransactionResponse> response) {
      handlerThreads.add(Thread.currentThread().getName());
      CompletableFuture<Decision> work = CompletableFuture.supplyAsync(() -> {
        if (request.getTxnId().equals("invalid")) {
          throw new InvalidInputException(List.of(new FieldViolation("txn_id", "is odd")));
        }
        return Decision.COMMIT;
      }, worker);
      Replies.when(work,
          decision -> ResolveTransactionResponse.newBuilder().setDecision(decision).build(),
          response);
    }
  }

  @Test
  void nonBlockingServiceRunsOnTheTransportThreadAndAnswersFromTheWorkersThread() {
    LaterCoordinator service = new LaterCoordinator();
    ManagedChannel channel = channelTo(start(service));

    assertEquals(Decision.COMMIT, stub(channel).resolveTransaction(request("t1")).getDecision());

    String thread = service.handlerThreads.get(0);
    assertFalse(thread.startsWith(HOST + "-call-"), "not handed to the pool: " + thread);
    assertTrue(thread.startsWith(HOST + "-io-"), "ran on the server's Netty event loop: "
        + thread);
  }

  @Test
  void otherServicesRunOnTheHostsPoolWhereTheyMayBlock() {
    List<String> threads = new CopyOnWriteArrayList<>();
    ScriptedCoordinator blocking = new ScriptedCoordinator(txnId -> {
      threads.add(Thread.currentThread().getName());
      return GrpcServerHostTest.decision(Decision.ABORT);
    });
    ManagedChannel channel = channelTo(start(blocking));

    assertEquals(Decision.ABORT, stub(channel).resolveTransaction(request("t1")).getDecision());

    assertTrue(threads.get(0).startsWith(HOST + "-call-"), threads.get(0));
  }

  @Test
  void aMethodTheServiceSaysMayBlockRunsOnThePool() {
    LaterCoordinator service = new LaterCoordinator() {
      @Override
      public boolean nonBlocking(MethodDescriptor<?, ?> method) {
        return false;
      }
    };
    ManagedChannel channel = channelTo(start(service));

    assertEquals(Decision.COMMIT, stub(channel).resolveTransaction(request("t1")).getDecision());

    assertTrue(service.handlerThreads.get(0).startsWith(HOST + "-call-"),
        service.handlerThreads.get(0));
  }

  @Test
  void aDomainFailureAnsweredLaterIsMappedLikeAThrownOne() {
    ManagedChannel channel = channelTo(start(new LaterCoordinator()));

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub(channel).resolveTransaction(request("invalid")));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("txn_id: is odd", e.getStatus().getDescription());
    assertEquals("txn_id", StatusProto.fromThrowable(e).getDetailsList().stream()
        .map(any -> {
          try {
            return any.unpack(BadRequest.class).getFieldViolations(0).getField();
          } catch (Exception unreadable) {
            throw new AssertionError(unreadable);
          }
        }).findFirst().orElseThrow());
  }

  private GrpcServerHost start(BindableService service) {
    GrpcServerHost host = new GrpcServerHost(HOST,
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), List.of(service),
        StandardErrors::toStatus, List.of(), List.of(), Duration.ofSeconds(5));
    hosts.add(host);
    return host.start();
  }

  private ManagedChannel channelTo(GrpcServerHost host) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", host.port())
        .usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  private static TransactionCoordinatorGrpc.TransactionCoordinatorBlockingStub stub(
      ManagedChannel channel) {
    return TransactionCoordinatorGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static ResolveTransactionRequest request(String txnId) {
    return ResolveTransactionRequest.newBuilder().setTxnId(txnId).build();
  }
}
