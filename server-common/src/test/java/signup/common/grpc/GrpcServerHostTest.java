package signup.common.grpc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import signup.common.ConcurrencyTesting;
import signup.common.domain.BarrierState;
import signup.common.domain.FieldViolation;
import signup.common.domain.InvalidInputException;
import signup.common.domain.NotFoundException;
import signup.common.domain.StoreUnavailableException;
import signup.common.domain.StoreUnavailableException.Reason;
import signup.common.domain.OverloadedException;
import signup.common.domain.TransactionCancelledException;
import signup.common.domain.TransactionOutcomeConflictException;
import signup.orchestrator.v1.Decision;
import signup.orchestrator.v1.ResolveTransactionRequest;
import signup.orchestrator.v1.ResolveTransactionResponse;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;
import signup.orchestrator.v1.TransactionCoordinatorGrpc.TransactionCoordinatorBlockingStub;

/** The host over an in-process transport, with a real generated service that throws. */
class GrpcServerHostTest {
  private static final String SECRET = "password=hunter2";
  private static final Metadata.Key<String> DENY =
      Metadata.Key.of("x-deny", Metadata.ASCII_STRING_MARSHALLER);

  private final CountDownLatch slowEntered = new CountDownLatch(1);
  private final CountDownLatch releaseSlow = new CountDownLatch(1);
  private final ScriptedCoordinator service = new ScriptedCoordinator(this::answer);
  private final List<String> events = service.events;
  private final List<GrpcServerHost> hosts = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final Map<GrpcServerHost, String> names = new HashMap<>();

  @AfterEach
  void tearDown() {
    releaseSlow.countDown();
    channels.forEach(ManagedChannel::shutdownNow);
    hosts.forEach(GrpcServerHost::close);
  }

  private ResolveTransactionResponse answer(String txnId) {
    switch (txnId) {
      case "commit":
        return decision(Decision.COMMIT);
      case "invalid":
        throw new InvalidInputException(List.of(new FieldViolation("txn_id", "is required"),
            new FieldViolation("email", "not a valid address")));
      case "missing":
        throw new NotFoundException("no transaction missing");
      case "cancelled":
        throw new TransactionCancelledException("cancelled");
      case "conflict":
        throw new TransactionOutcomeConflictException("conflict", BarrierState.CONFIRMED, "cancel");
      case "overloaded":
        throw new OverloadedException("queue full; try again later");
      case "status":
        throw Status.PERMISSION_DENIED.withDescription("not for you").asRuntimeException();
      case "disk-full":
        throw new StoreUnavailableException("client", Reason.OUT_OF_SPACE, null);
      case "read-only":
        throw new StoreUnavailableException("client", Reason.READ_ONLY, null);
      case "slow":
        slowEntered.countDown();
        try {
          releaseSlow.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return decision(Decision.COMMIT);
      default:
        throw new IllegalStateException("database exploded: " + SECRET);
    }
  }

  // --- health and reflection ------------------------------------------------------------------

  @Test
  void healthReportsServingForTheServiceAndTheServerOnceStarted() {
    ManagedChannel channel = channelTo(startHost(Duration.ofSeconds(30)));
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS);

    assertEquals(ServingStatus.SERVING,
        health.check(health(ScriptedCoordinator.SERVICE)).getStatus());
    assertEquals(ServingStatus.SERVING, health.check(health("")).getStatus());
    StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
        () -> health.check(health("no.such.Service")));
    assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
  }

  @Test
  void healthIsNotServingWhileTheStoreCannotBeWrittenAndServingOnceItCan() throws Exception {
    GrpcServerHost host = startHost(Duration.ofSeconds(30));
    ManagedChannel channel = channelTo(host);
    BlockingQueue<ServingStatus> serverStatuses = watch(channel, "");
    assertEquals(ServingStatus.SERVING, serverStatuses.poll(10, TimeUnit.SECONDS));
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS);

    host.storeWritable(false);

    assertEquals(ServingStatus.NOT_SERVING, serverStatuses.poll(10, TimeUnit.SECONDS));
    assertEquals(ServingStatus.NOT_SERVING,
        health.check(health(ScriptedCoordinator.SERVICE)).getStatus());

    host.storeWritable(true);

    assertEquals(ServingStatus.SERVING, health.check(health("")).getStatus());
    assertEquals(ServingStatus.SERVING,
        health.check(health(ScriptedCoordinator.SERVICE)).getStatus());
  }

  @Test
  void aStoreOutOfSpaceIsResourceExhaustedAndOneNotWritableIsUnavailable() {
    StatusRuntimeException full = callFails("disk-full");
    StatusRuntimeException readOnly = callFails("read-only");

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, full.getStatus().getCode());
    assertEquals("the client database is out of disk space: nothing was written; try again "
        + "later", full.getStatus().getDescription());
    assertEquals(Status.Code.UNAVAILABLE, readOnly.getStatus().getCode());
    assertEquals("the client database is not writable: nothing was written; try again later",
        readOnly.getStatus().getDescription());
  }

  @Test
  void healthTurnsNotServingWhenTheHostCloses() throws Exception {
    GrpcServerHost host = startHost(Duration.ofSeconds(30));
    ManagedChannel channel = channelTo(host);
    BlockingQueue<ServingStatus> serviceStatuses = watch(channel, ScriptedCoordinator.SERVICE);
    BlockingQueue<ServingStatus> serverStatuses = watch(channel, "");
    assertEquals(ServingStatus.SERVING, serviceStatuses.poll(10, TimeUnit.SECONDS));
    assertEquals(ServingStatus.SERVING, serverStatuses.poll(10, TimeUnit.SECONDS));

    CompletableFuture<Void> closed = CompletableFuture.runAsync(host::close);

    assertEquals(ServingStatus.NOT_SERVING, serviceStatuses.poll(10, TimeUnit.SECONDS));
    assertEquals(ServingStatus.NOT_SERVING, serverStatuses.poll(10, TimeUnit.SECONDS));
    closed.get(10, TimeUnit.SECONDS);
  }

  @Test
  void reflectionListsTheServicesAndDescribesThem() throws Exception {
    ManagedChannel channel = channelTo(startHost(Duration.ofSeconds(30)));

    io.grpc.reflection.v1.ServerReflectionResponse listed = reflectV1(channel,
        io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
    List<String> names = listed.getListServicesResponse().getServiceList().stream()
        .map(io.grpc.reflection.v1.ServiceResponse::getName).toList();
    assertTrue(names.containsAll(List.of(ScriptedCoordinator.SERVICE, "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection")),
        names.toString());

    io.grpc.reflection.v1.ServerReflectionResponse described = reflectV1(channel,
        io.grpc.reflection.v1.ServerReflectionRequest.newBuilder()
            .setFileContainingSymbol(ScriptedCoordinator.SERVICE).build());
    FileDescriptorProto file = FileDescriptorProto.parseFrom(
        described.getFileDescriptorResponse().getFileDescriptorProto(0));
    assertEquals("signup.orchestrator.v1", file.getPackage());
    assertTrue(file.getServiceList().stream()
        .anyMatch(s -> s.getName().equals("TransactionCoordinator")));
  }

  @Test
  void reflectionV1AlphaAnswersToo() throws Exception {
    ManagedChannel channel = channelTo(startHost(Duration.ofSeconds(30)));
    BlockingQueue<io.grpc.reflection.v1alpha.ServerReflectionResponse> responses =
        new LinkedBlockingQueue<>();
    StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests =
        io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(collectInto(responses));
    requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
        .setListServices("").build());
    io.grpc.reflection.v1alpha.ServerReflectionResponse listed =
        responses.poll(10, TimeUnit.SECONDS);
    requests.onCompleted();

    assertNotNull(listed);
    assertTrue(listed.getListServicesResponse().getServiceList().stream()
        .anyMatch(s -> s.getName().equals(ScriptedCoordinator.SERVICE)));
  }

  // --- errors on the wire ---------------------------------------------------------------------

  @Test
  void invalidInputBecomesInvalidArgumentWithABadRequestNamingEveryField() throws Exception {
    StatusRuntimeException e = callFails("invalid");

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("txn_id: is required; email: not a valid address", e.getStatus().getDescription());
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    assertNotNull(details, "the status carries google.rpc.Status details");
    assertEquals(1, details.getDetailsCount());
    Any packed = details.getDetails(0);
    BadRequest badRequest = packed.unpack(BadRequest.class);
    assertEquals(List.of("txn_id", "email"), badRequest.getFieldViolationsList().stream()
        .map(BadRequest.FieldViolation::getField).toList());
    assertEquals(List.of("is required", "not a valid address"),
        badRequest.getFieldViolationsList().stream()
            .map(BadRequest.FieldViolation::getDescription).toList());
  }

  @Test
  void notFoundBecomesNotFound() {
    StatusRuntimeException e = callFails("missing");
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertEquals("no transaction missing", e.getStatus().getDescription());
  }

  @Test
  void reserveAfterCancelBecomesAborted() {
    StatusRuntimeException e = callFails("cancelled");
    assertEquals(Status.Code.ABORTED, e.getStatus().getCode());
    assertEquals("transaction cancelled was already cancelled", e.getStatus().getDescription());
  }

  @Test
  void outcomeConflictBecomesFailedPrecondition() {
    StatusRuntimeException e = callFails("conflict");
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertEquals("cannot cancel transaction conflict: it is already CONFIRMED",
        e.getStatus().getDescription());
  }

  @Test
  void aFullQueueBecomesResourceExhausted() {
    StatusRuntimeException e = callFails("overloaded");
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
    assertEquals("queue full; try again later", e.getStatus().getDescription());
  }

  @Test
  void statusThrownOnPurposeIsPassedThrough() {
    StatusRuntimeException e = callFails("status");
    assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
    assertEquals("not for you", e.getStatus().getDescription());
  }

  @Test
  void unexpectedExceptionBecomesInternalWithNothingOfItOnTheWire() {
    StatusRuntimeException e = callFails("anything else");

    assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
    assertEquals("internal error", e.getStatus().getDescription());
    assertEquals(0, StatusProto.fromThrowable(e).getDetailsCount(), "no details on the wire");
    Metadata trailers = e.getTrailers();
    assertNotNull(trailers);
    for (String key : trailers.keys()) {
      String value = key.endsWith(Metadata.BINARY_HEADER_SUFFIX)
          ? new String(trailers.get(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER)),
              java.nio.charset.StandardCharsets.ISO_8859_1)
          : trailers.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
      assertFalse(value.contains("hunter2") || value.contains("IllegalStateException")
          || value.contains("\tat "), key + " leaks the failure: " + value);
    }
  }

  @Test
  void exceptionFromAServerInterceptorIsMappedToo() {
    ServerInterceptor denying = new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
          Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        if (headers.containsKey(DENY)) {
          throw new NotFoundException("denied by interceptor");
        }
        return next.startCall(call, headers);
      }
    };
    GrpcServerHost host = startHost(List.of(denying), List.of(), Duration.ofSeconds(30));
    Metadata deny = new Metadata();
    deny.put(DENY, "yes");

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub(channelTo(host))
            .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(deny))
            .resolveTransaction(request("commit")));

    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertEquals(Decision.COMMIT, stub(channelTo(host)).resolveTransaction(request("commit"))
        .getDecision(), "without the header the call goes through the interceptor");
  }

  // --- the blocking calls' pool ----------------------------------------------------------------

  @Test
  void aBlockingCallBeyondThePoolsBoundIsRefusedWithResourceExhaustedAndHealthStillAnswers()
      throws Exception {
    // One thread, two calls admitted: one running, one waiting for the thread.
    String name = InProcessServerBuilder.generateName();
    BlockingCalls pool = new BlockingCalls("test", 1, 2);
    GrpcServerHost host = new GrpcServerHost("test", InProcessServerBuilder.forName(name),
        List.of(service), StandardErrors::toStatus, List.of(), List.of(), Duration.ofSeconds(30),
        pool);
    hosts.add(host);
    names.put(host, name);
    host.start();
    ManagedChannel channel = channelTo(host);
    var running = TransactionCoordinatorGrpc.newFutureStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS).resolveTransaction(request("slow"));
    assertTrue(slowEntered.await(10, TimeUnit.SECONDS));
    var waiting = TransactionCoordinatorGrpc.newFutureStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS).resolveTransaction(request("commit"));

    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
        () -> stub(channel).resolveTransaction(request("commit")));

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
    assertEquals("test is busy: 2 calls are running or waiting; try again later",
        refused.getStatus().getDescription());
    assertFalse(events.contains("answered commit"), "the refused call reached no handler");
    assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS).check(health("")).getStatus());

    releaseSlow.countDown();
    assertEquals(Decision.COMMIT, running.get(10, TimeUnit.SECONDS).getDecision());
    assertEquals(Decision.COMMIT, waiting.get(10, TimeUnit.SECONDS).getDecision());
    // Each call gave its place back when it ended.
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.admitted() == 0);
    assertEquals(Decision.COMMIT, stub(channel).resolveTransaction(request("commit"))
        .getDecision());
  }

  // --- shutdown -------------------------------------------------------------------------------

  @Test
  void closeDrainsACallInFlightBeforeClosingWhatTheHostOwns() throws Exception {
    GrpcServerHost host = startHost(Duration.ofSeconds(30));
    ManagedChannel channel = channelTo(host);
    var slow = TransactionCoordinatorGrpc.newFutureStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS).resolveTransaction(request("slow"));
    assertTrue(slowEntered.await(10, TimeUnit.SECONDS));

    Thread closer = new Thread(host::close);
    closer.start();
    ConcurrencyTesting.awaitParkedIn("awaitTermination", List.of(closer));
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
        () -> stub(channel).resolveTransaction(request("commit")));
    assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(),
        "a draining server takes no new calls");
    assertFalse(events.contains("owned closed"));

    releaseSlow.countDown();

    assertEquals(Decision.COMMIT, slow.get(10, TimeUnit.SECONDS).getDecision());
    closer.join(TimeUnit.SECONDS.toMillis(10));
    assertFalse(closer.isAlive(), "close returned once drained");
    assertEquals(List.of("answered slow", "owned closed"), events);
  }

  @Test
  void callStillRunningAfterTheDrainTimeoutIsCancelled() throws Exception {
    GrpcServerHost host = startHost(Duration.ofMillis(200));
    var slow = TransactionCoordinatorGrpc.newFutureStub(channelTo(host))
        .withDeadlineAfter(30, TimeUnit.SECONDS).resolveTransaction(request("slow"));
    assertTrue(slowEntered.await(10, TimeUnit.SECONDS));

    host.close();

    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> slow.get(10, TimeUnit.SECONDS));
    Status.Code code = Status.fromThrowable(failed.getCause()).getCode();
    assertTrue(code == Status.Code.CANCELLED || code == Status.Code.UNAVAILABLE, code.toString());
    assertTrue(events.contains("owned closed"));
  }

  @Test
  void closingTwiceClosesOwnedResourcesOnce() {
    GrpcServerHost host = startHost(Duration.ofSeconds(30));
    host.close();
    host.close();
    assertEquals(List.of("owned closed"), events);
  }

  @Test
  void aFailingOwnedResourceDoesNotStopTheOthersFromClosing() {
    AutoCloseable failing = () -> {
      throw new IllegalStateException("cannot close");
    };
    GrpcServerHost host = startHost(List.of(),
        List.of(failing, () -> events.add("second closed")), Duration.ofSeconds(30));

    host.close();

    assertEquals(List.of("second closed"), events);
  }

  // --- helpers --------------------------------------------------------------------------------

  private GrpcServerHost startHost(Duration drainTimeout) {
    AutoCloseable owned = () -> events.add("owned closed");
    return startHost(List.of(), List.of(owned), drainTimeout);
  }

  private GrpcServerHost startHost(List<ServerInterceptor> interceptors,
      List<AutoCloseable> owned, Duration drainTimeout) {
    String name = InProcessServerBuilder.generateName();
    GrpcServerHost host = new GrpcServerHost("test", InProcessServerBuilder.forName(name),
        List.of(service), StandardErrors::toStatus, interceptors, owned, drainTimeout);
    hosts.add(host);
    names.put(host, name);
    return host.start();
  }

  private ManagedChannel channelTo(GrpcServerHost host) {
    ManagedChannel channel = InProcessChannelBuilder.forName(names.get(host)).build();
    channels.add(channel);
    return channel;
  }

  private StatusRuntimeException callFails(String txnId) {
    ManagedChannel channel = channelTo(startHost(Duration.ofSeconds(30)));
    return assertThrows(StatusRuntimeException.class,
        () -> stub(channel).resolveTransaction(request(txnId)));
  }

  private static TransactionCoordinatorBlockingStub stub(ManagedChannel channel) {
    return TransactionCoordinatorGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  static ResolveTransactionRequest request(String txnId) {
    return ResolveTransactionRequest.newBuilder().setTxnId(txnId).build();
  }

  static ResolveTransactionResponse decision(Decision decision) {
    return ResolveTransactionResponse.newBuilder().setDecision(decision).build();
  }

  private static HealthCheckRequest health(String service) {
    return HealthCheckRequest.newBuilder().setService(service).build();
  }

  /** Watches a service's health; cancels the watch once it reports NOT_SERVING. */
  private static BlockingQueue<ServingStatus> watch(ManagedChannel channel, String service) {
    BlockingQueue<ServingStatus> statuses = new LinkedBlockingQueue<>();
    HealthGrpc.newStub(channel).watch(health(service),
        new ClientResponseObserver<HealthCheckRequest, HealthCheckResponse>() {
          private ClientCallStreamObserver<HealthCheckRequest> call;

          @Override
          public void beforeStart(ClientCallStreamObserver<HealthCheckRequest> requestStream) {
            call = requestStream;
          }

          @Override
          public void onNext(HealthCheckResponse response) {
            statuses.add(response.getStatus());
            if (response.getStatus() == ServingStatus.NOT_SERVING) {
              call.cancel("seen NOT_SERVING", null);
            }
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
    return statuses;
  }

  private static io.grpc.reflection.v1.ServerReflectionResponse reflectV1(ManagedChannel channel,
      io.grpc.reflection.v1.ServerReflectionRequest request) throws InterruptedException {
    BlockingQueue<io.grpc.reflection.v1.ServerReflectionResponse> responses =
        new LinkedBlockingQueue<>();
    StreamObserver<io.grpc.reflection.v1.ServerReflectionRequest> requests =
        io.grpc.reflection.v1.ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(collectInto(responses));
    requests.onNext(request);
    io.grpc.reflection.v1.ServerReflectionResponse response = responses.poll(10, TimeUnit.SECONDS);
    requests.onCompleted();
    assertNotNull(response, "no reflection answer");
    return response;
  }

  private static <T> StreamObserver<T> collectInto(BlockingQueue<T> into) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        into.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }
}
