package signup.orchestrator;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ServerBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import signup.common.domain.RetentionPurger;
import signup.common.fault.CrashPoints;
import signup.common.grpc.GrpcServerHost;
import signup.common.grpc.PublicKeysClient;
import signup.common.security.AccessTokenVerifier;
import signup.common.grpc.ReconnectPacer;
import signup.common.metrics.DatabaseMetrics;
import signup.common.metrics.Metrics;
import signup.common.security.Transport;
import signup.common.store.Database;
import signup.common.tracing.Tracing;
import signup.orchestrator.domain.ClientParticipantPort;
import signup.orchestrator.domain.ProtocolSettings;
import signup.orchestrator.domain.Recovery;
import signup.orchestrator.domain.SignupCoordinator;
import signup.orchestrator.domain.SignupLog;
import signup.orchestrator.domain.SubscriptionParticipantPort;
import signup.orchestrator.grpc.ClientParticipantClient;
import signup.orchestrator.grpc.SignupServiceImpl;
import signup.orchestrator.grpc.OrchestratorStatusMapper;
import signup.orchestrator.grpc.SubscriptionParticipantClient;
import signup.orchestrator.grpc.TransactionCoordinatorImpl;
import signup.orchestrator.metrics.BacklogMetrics;
import signup.orchestrator.metrics.MeteredSignupLog;
import signup.orchestrator.metrics.RecoveryMetrics;
import signup.orchestrator.store.OrchestratorSchema;
import signup.orchestrator.store.SqlSignupLog;
import signup.orchestrator.tracing.TracedParticipants;
import signup.orchestrator.tracing.TracedSignupLog;
import signup.orchestrator.tracing.TxnTraces;

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
        Clock.systemUTC(), crashPoints, Tracing.fromEnvironment("orchestrator"));
  }

  /** As {@link #create(OrchestratorConfig)}, tracing into {@code tracing} (owned from now). */
  public static GrpcServerHost create(OrchestratorConfig config, Tracing tracing) {
    return create(config, config.transport().serverBuilder(config.bind(), config.port()),
        Clock.systemUTC(), CrashPoints.none(), tracing);
  }

  /** With channels to the participants' targets, owned (closed) by the server. */
  public static GrpcServerHost create(OrchestratorConfig config, ServerBuilder<?> builder,
      InstantSource clock) {
    return create(config, builder, clock, CrashPoints.none(), Tracing.off());
  }

  private static GrpcServerHost create(OrchestratorConfig config, ServerBuilder<?> builder,
      InstantSource clock, CrashPoints crashPoints, Tracing tracing) {
    ManagedChannel clients = config.transport().channel(config.clientTarget());
    ManagedChannel subscriptions = config.transport().channel(config.subscriptionTarget());
    // Without it a restarted participant kept failing sign-ups for seconds after it was back.
    ReconnectPacer pacer = new ReconnectPacer("orchestrator", RECONNECT_PACE,
        List.of(clients, subscriptions));
    return create(config, builder, clients, subscriptions, clock,
        List.of(pacer, clients::shutdownNow, subscriptions::shutdownNow), crashPoints, tracing);
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
        CrashPoints.none(), Tracing.off());
  }

  private static GrpcServerHost create(OrchestratorConfig config, ServerBuilder<?> builder,
      Channel clientChannel, Channel subscriptionChannel, InstantSource clock,
      List<AutoCloseable> alsoOwned, CrashPoints crashPoints, Tracing tracing) {
    ProtocolSettings protocol = config.protocol();
    Transport transport = config.transport();
    Database db = config.database().open(OrchestratorSchema.SPEC);
    Metrics metrics = Metrics.serving(config.bind(), config.metricsPort());
    MeterRegistry registry = metrics.registry();
    DatabaseMetrics.bind(db, registry);
    SqlSignupLog sqlLog = new SqlSignupLog(db);
    BacklogMetrics.bind(sqlLog::backlog, clock, registry);
    SignupLog signupLog = new MeteredSignupLog(sqlLog, registry);
    ClientParticipantPort clients = new ClientParticipantClient(transport.authenticated(
        tracing.intercept(metrics.intercept(clientChannel, config.clientTarget()))),
        protocol.reserveDeadline(),
        protocol.callDeadline(), confirmBatchSizes(registry, "client-server"));
    SubscriptionParticipantPort subscriptions = new SubscriptionParticipantClient(
        transport.authenticated(tracing.intercept(
            metrics.intercept(subscriptionChannel, config.subscriptionTarget()))),
        protocol.reserveDeadline(),
        protocol.callDeadline(), confirmBatchSizes(registry, "subscription-server"));
    // Each step of a sign-up in its logging context (txn_id, trace_id), and with traces on a
    // span of its trace, whichever thread runs it.
    TxnTraces traces = new TxnTraces(tracing);
    signupLog = new TracedSignupLog(signupLog, traces);
    clients = TracedParticipants.client(clients, traces);
    subscriptions = TracedParticipants.subscription(subscriptions, traces);
    SignupCoordinator coordinator = new SignupCoordinator(signupLog, clients, subscriptions,
        protocol, config.admission(), clock, crashPoints);
    Gauge.builder("signup.admission.limit", coordinator, SignupCoordinator::admissionLimit)
        .description("Sign-ups admitted at once right now: --max-in-flight, less while they "
            + "come back slower than --slow-signup")
        .register(registry);
    Gauge.builder("signup.in.flight", coordinator, SignupCoordinator::signupsInFlight)
        .description("Sign-ups under way right now")
        .register(registry);
    Recovery recovery = new Recovery(signupLog, coordinator, protocol, clock,
        new RecoveryMetrics(registry), traces);
    RetentionPurger purger = new RetentionPurger(sqlLog, config.retention(), clock);
    List<AutoCloseable> owned = new ArrayList<>();
    owned.add(purger);
    owned.add(recovery);
    owned.add(coordinator);
    owned.add(db);
    owned.addAll(alsoOwned);
    // GetSignup shows a sign-up in full to its own client only: tokens are checked against
    // client-server's public keys, fetched over the channel the participant calls use.
    AccessTokenVerifier verifier = PublicKeysClient.verifier(clientChannel,
        protocol.callDeadline(), clock);
    Counter pendingReplies = Counter.builder("signup.pending.replies")
        .description("Signup calls answered DEADLINE_EXCEEDED because the sign-up had committed "
            + "but was not yet confirmed everywhere (recovery finishes it)")
        .register(registry);
    GrpcServerHost host = new GrpcServerHost("orchestrator", builder,
        List.of(new SignupServiceImpl(coordinator, pendingReplies::increment),
            new TransactionCoordinatorImpl(coordinator)),
        new OrchestratorStatusMapper(), List.of(transport.authorizer(verifier)), owned, DRAIN,
        transport.connections(), metrics, tracing);
    // A full disk, a file that cannot be written or a database server that cannot be reached
    // turns health NOT_SERVING while it lasts.
    db.onWritableChange(host::storeWritable);
    recovery.start();
    purger.start("orchestrator");
    return host;
  }

  /** How many txns each confirm call to {@code participant} carries: 1 is a lone Confirm. */
  private static IntConsumer confirmBatchSizes(MeterRegistry registry, String participant) {
    DistributionSummary sizes = DistributionSummary.builder("signup.confirm.batch.size")
        .description("Txns per confirm call to a participant: commits that complete together "
            + "are confirmed in one call")
        .tag("participant", participant)
        .register(registry);
    return sizes::record;
  }
}
