package signup.orchestrator;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ServerBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import signup.common.domain.RetentionPurger;
import signup.common.fault.CrashPoints;
import signup.common.grpc.GrpcServerHost;
import signup.common.grpc.ReconnectPacer;
import signup.common.security.Transport;
import signup.common.store.Database;
import signup.orchestrator.domain.ProtocolSettings;
import signup.orchestrator.domain.Recovery;
import signup.orchestrator.domain.SignupCoordinator;
import signup.orchestrator.grpc.ClientParticipantClient;
import signup.orchestrator.grpc.SignupServiceImpl;
import signup.orchestrator.grpc.OrchestratorStatusMapper;
import signup.orchestrator.grpc.SubscriptionParticipantClient;
import signup.orchestrator.grpc.TransactionCoordinatorImpl;
import signup.orchestrator.store.OrchestratorSchema;
import signup.orchestrator.store.SqlSignupLog;

/** Builds the orchestrator the same way for main, the CLI and the tests. */
public final class OrchestratorServer {
  private static final Duration DRAIN = Duration.ofSeconds(10);
  /** The longest a participant that is back waits to be used again. */
  private static final Duration RECONNECT_PACE = Duration.ofMillis(250);

  private OrchestratorServer() {}

  /** On {@code config.bind():config.port()} (TLS if configured), with the system clock. */
  public static GrpcServerHost create(OrchestratorConfig config) {
    return create(config, CrashPoints.none());
  }

  /** As {@link #create(OrchestratorConfig)}, halting at {@code crashPoints} (crash tests). */
  public static GrpcServerHost create(OrchestratorConfig config, CrashPoints crashPoints) {
    return create(config, config.transport().serverBuilder(config.bind(), config.port()),
        Clock.systemUTC(), crashPoints);
  }

  /** With channels to the participants' targets, owned (closed) by the server. */
  public static GrpcServerHost create(OrchestratorConfig config, ServerBuilder<?> builder,
      InstantSource clock) {
    return create(config, builder, clock, CrashPoints.none());
  }

  private static GrpcServerHost create(OrchestratorConfig config, ServerBuilder<?> builder,
      InstantSource clock, CrashPoints crashPoints) {
    ManagedChannel clients = config.transport().channel(config.clientTarget());
    ManagedChannel subscriptions = config.transport().channel(config.subscriptionTarget());
    // Without it a restarted participant kept failing sign-ups for seconds after it was back.
    ReconnectPacer pacer = new ReconnectPacer("orchestrator", RECONNECT_PACE,
        List.of(clients, subscriptions));
    return create(config, builder, clients, subscriptions, clock,
        List.of(pacer, clients::shutdownNow, subscriptions::shutdownNow), crashPoints);
  }

  /**
   * With channels the caller owns (tests pass in-process ones).
   *
   * @param alsoOwned closed after the database, e.g. the channels
   */
  public static GrpcServerHost create(OrchestratorConfig config, ServerBuilder<?> builder,
      Channel clientChannel, Channel subscriptionChannel, InstantSource clock,
      List<AutoCloseable> alsoOwned) {
    return create(config, builder, clientChannel, subscriptionChannel, clock, alsoOwned,
        CrashPoints.none());
  }

  private static GrpcServerHost create(OrchestratorConfig config, ServerBuilder<?> builder,
      Channel clientChannel, Channel subscriptionChannel, InstantSource clock,
      List<AutoCloseable> alsoOwned, CrashPoints crashPoints) {
    ProtocolSettings protocol = config.protocol();
    Transport transport = config.transport();
    Database db = config.database().open(OrchestratorSchema.SPEC);
    SqlSignupLog signupLog = new SqlSignupLog(db);
    SignupCoordinator coordinator = new SignupCoordinator(signupLog,
        new ClientParticipantClient(transport.authenticated(clientChannel),
            protocol.reserveDeadline(),
            protocol.callDeadline()),
        new SubscriptionParticipantClient(transport.authenticated(subscriptionChannel),
            protocol.reserveDeadline(),
            protocol.callDeadline()),
        protocol, clock, crashPoints);
    Recovery recovery = new Recovery(signupLog, coordinator, protocol, clock);
    RetentionPurger purger = new RetentionPurger(signupLog, config.retention(), clock);
    List<AutoCloseable> owned = new ArrayList<>();
    owned.add(purger);
    owned.add(recovery);
    owned.add(coordinator);
    owned.add(db);
    owned.addAll(alsoOwned);
    GrpcServerHost host = new GrpcServerHost("orchestrator", builder,
        List.of(new SignupServiceImpl(coordinator),
            transport.internal(new TransactionCoordinatorImpl(coordinator))),
        new OrchestratorStatusMapper(), List.of(), owned, DRAIN, transport.connections());
    // A full disk, a file that cannot be written or a database server that cannot be reached
    // turns health NOT_SERVING while it lasts.
    db.onWritableChange(host::storeWritable);
    recovery.start();
    purger.start("orchestrator");
    return host;
  }
}
