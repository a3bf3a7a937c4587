package signup.orchestrator;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.ServerBuilder;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import signup.common.grpc.GrpcServerHost;
import signup.common.store.SqliteDatabase;
import signup.orchestrator.domain.ProtocolSettings;
import signup.orchestrator.domain.Recovery;
import signup.orchestrator.domain.SignupCoordinator;
import signup.orchestrator.grpc.ClientParticipantClient;
import signup.orchestrator.grpc.SignupServiceImpl;
import signup.orchestrator.grpc.StatusMapper;
import signup.orchestrator.grpc.SubscriptionParticipantClient;
import signup.orchestrator.grpc.TransactionCoordinatorImpl;
import signup.orchestrator.store.OrchestratorSchema;
import signup.orchestrator.store.SqliteSignupLog;

/** Builds the orchestrator the same way for main, the CLI and the tests. */
public final class OrchestratorServer {
  private static final Duration DRAIN = Duration.ofSeconds(10);

  private OrchestratorServer() {}

  /** With plaintext channels to the participants' targets, owned (closed) by the server. */
  public static GrpcServerHost create(OrchestratorConfig config, ServerBuilder<?> builder,
      InstantSource clock) {
    ManagedChannel clients = ManagedChannelBuilder.forTarget(config.clientTarget())
        .usePlaintext().build();
    ManagedChannel subscriptions = ManagedChannelBuilder.forTarget(config.subscriptionTarget())
        .usePlaintext().build();
    return create(config, builder, clients, subscriptions, clock,
        List.of(clients::shutdownNow, subscriptions::shutdownNow));
  }

  /**
   * With channels the caller owns (tests pass in-process ones).
   *
   * @param alsoOwned closed after the database, e.g. the channels
   */
  public static GrpcServerHost create(OrchestratorConfig config, ServerBuilder<?> builder,
      Channel clientChannel, Channel subscriptionChannel, InstantSource clock,
      List<AutoCloseable> alsoOwned) {
    ProtocolSettings protocol = config.protocol();
    SqliteDatabase db = SqliteDatabase.open(OrchestratorSchema.SPEC, config.databaseFile());
    SqliteSignupLog signupLog = new SqliteSignupLog(db);
    SignupCoordinator coordinator = new SignupCoordinator(signupLog,
        new ClientParticipantClient(clientChannel, protocol.reserveDeadline(),
            protocol.callDeadline()),
        new SubscriptionParticipantClient(subscriptionChannel, protocol.reserveDeadline(),
            protocol.callDeadline()),
        protocol, clock);
    Recovery recovery = new Recovery(signupLog, coordinator, protocol, clock);
    List<AutoCloseable> owned = new ArrayList<>();
    owned.add(recovery);
    owned.add(db);
    owned.addAll(alsoOwned);
    GrpcServerHost host = new GrpcServerHost("orchestrator", builder,
        List.of(new SignupServiceImpl(coordinator), new TransactionCoordinatorImpl(coordinator)),
        new StatusMapper(), List.of(), owned, DRAIN);
    recovery.start();
    return host;
  }
}
