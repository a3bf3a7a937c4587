package signup.subscription;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import signup.common.MutableClock;
import signup.common.domain.ParticipantSettings;
import signup.common.grpc.GrpcServerHost;
import signup.common.v1.DeviceType;
import signup.subscription.v1.ConfirmSubscriptionBatchRequest;
import signup.subscription.v1.ConfirmSubscriptionBatchResponse;
import signup.subscription.v1.ConfirmSubscriptionRequest;
import signup.subscription.v1.ReserveSubscriptionRequest;
import signup.subscription.v1.Subscription;
import signup.subscription.v1.SubscriptionParticipantGrpc;
import signup.subscription.v1.SubscriptionParticipantGrpc.SubscriptionParticipantBlockingStub;
import signup.subscription.v1.SubscriptionServiceGrpc;
import signup.subscription.v1.SubscriptionServiceGrpc.SubscriptionServiceBlockingStub;

/** The real server, built the way main builds it, on an in-process transport with real stubs. */
public final class InProcessSubscriptionServer implements AutoCloseable {
  public final MutableClock clock = new MutableClock(Instant.parse("2026-01-15T10:00:00Z"));
  public final Path databaseFile;
  public final DatabaseRows rows;
  /** With the internal token, as a trusted backend calls: may read and change any client. */
  public final SubscriptionServiceBlockingStub service;
  /** Without credentials, as anyone on the network calls. */
  public final SubscriptionServiceBlockingStub anonymous;
  public final SubscriptionParticipantBlockingStub participant;
  /** The participant called without credentials, as anyone on the network could. */
  public final SubscriptionParticipantBlockingStub anonymousParticipant;
  private final GrpcServerHost host;
  private final ManagedChannel channel;

  public InProcessSubscriptionServer(Path databaseFile) {
    this.databaseFile = databaseFile;
    this.rows = new DatabaseRows(databaseFile);
    String name = InProcessServerBuilder.generateName();
    // The sweeper never runs on its own here: sweeping is tested with an explicit sweepOnce().
    SubscriptionServerConfig config = new SubscriptionServerConfig("127.0.0.1", 0, databaseFile,
        "localhost:1", new ParticipantSettings(Duration.ofSeconds(30), Duration.ofHours(1)),
        Duration.ofSeconds(1));
    this.host = SubscriptionServer.create(config,
        InProcessServerBuilder.forName(name).directExecutor(), clock).start();
    this.channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    this.service = SubscriptionServiceGrpc.newBlockingStub(
            config.transport().authenticated(channel))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
    this.anonymous = SubscriptionServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS);
    this.participant = SubscriptionParticipantGrpc.newBlockingStub(
            config.transport().authenticated(channel))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
    this.anonymousParticipant = SubscriptionParticipantGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public Subscription reserve(String txnId, String clientId, String region, DeviceType device) {
    return participant.reserve(ReserveSubscriptionRequest.newBuilder()
            .setTxnId(txnId)
            .setClientId(clientId)
            .setRegion(region)
            .setDevice(device)
            .build())
        .getSubscription();
  }

  public Subscription confirm(String txnId) {
    return participant.confirm(ConfirmSubscriptionRequest.newBuilder().setTxnId(txnId).build())
        .getSubscription();
  }

  public ConfirmSubscriptionBatchResponse confirmBatch(String... txnIds) {
    return participant.confirmBatch(ConfirmSubscriptionBatchRequest.newBuilder()
        .addAllTxnIds(List.of(txnIds)).build());
  }

  /** A client with a confirmed subscription, as a completed sign-up leaves it. */
  public Subscription signedUp(String clientId, String region, DeviceType device) {
    String txnId = "txn-" + clientId;
    reserve(txnId, clientId, region, device);
    return confirm(txnId);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    host.close();
  }
}
