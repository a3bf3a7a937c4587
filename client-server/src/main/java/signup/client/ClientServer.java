package signup.client;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ServerBuilder;
import java.time.Clock;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import signup.client.domain.ClientRegistration;
import signup.client.domain.PasswordHasher;
import signup.client.grpc.ClientParticipantImpl;
import signup.client.grpc.ClientServiceImpl;
import signup.client.grpc.ClientStatusMapper;
import signup.client.store.ClientSchema;
import signup.client.store.SqlClientStore;
import signup.common.domain.ReservationSweeper;
import signup.common.domain.RetentionPurger;
import signup.common.fault.CrashPoints;
import signup.common.grpc.CoordinatorClient;
import signup.common.grpc.GrpcServerHost;
import signup.common.store.Database;
import signup.common.store.TccBarrier;

/**
 * Builds the client server: its database, domain, services, error mapper and reservation
 * sweeper, on a {@link ServerBuilder} the caller chooses (Netty in main and in {@code signup up},
 * in-process in tests). The returned host is not started; it owns and, once drained, closes the
 * retention purger, the sweeper, the coordinator channel, the hashing pool and the database, in
 * that order. A caller
 * whose {@code start()} fails must still {@code close()} it.
 */
public final class ClientServer {
  public static final String NAME = "client-server";

  private ClientServer() {}

  /** On {@code config.bind():config.port()} (TLS if configured), with the system clock. */
  public static GrpcServerHost create(ClientServerConfig config) {
    return create(config, CrashPoints.none());
  }

  /** As {@link #create(ClientServerConfig)}, halting at {@code crashPoints} (crash tests). */
  public static GrpcServerHost create(ClientServerConfig config, CrashPoints crashPoints) {
    return createWithOwnChannel(config,
        config.transport().serverBuilder(config.bind(), config.port()), Clock.systemUTC(),
        crashPoints);
  }

  /** With a channel of its own to {@code config.coordinatorTarget()}. */
  public static GrpcServerHost create(ClientServerConfig config, ServerBuilder<?> builder,
      InstantSource clock) {
    return createWithOwnChannel(config, builder, clock, CrashPoints.none());
  }

  private static GrpcServerHost createWithOwnChannel(ClientServerConfig config,
      ServerBuilder<?> builder, InstantSource clock, CrashPoints crashPoints) {
    Database db = config.database().open(ClientSchema.SPEC);
    ManagedChannel channel;
    try {
      channel = config.transport().channel(config.coordinatorTarget());
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return assemble(config, builder, clock, db, channel, new OwnedChannel(channel),
        crashPoints);
  }

  /** With a coordinator channel that the caller owns and closes. */
  public static GrpcServerHost create(ClientServerConfig config, ServerBuilder<?> builder,
      InstantSource clock, Channel coordinator) {
    Database db = config.database().open(ClientSchema.SPEC);
    return assemble(config, builder, clock, db, coordinator, null, CrashPoints.none());
  }

  private static GrpcServerHost assemble(ClientServerConfig config, ServerBuilder<?> builder,
      InstantSource clock, Database db, Channel coordinator, OwnedChannel ownedChannel,
      CrashPoints crashPoints) {
    PasswordHasher hasher =
        new PasswordHasher(config.hashing(), Runtime.getRuntime().availableProcessors());
    ClientRegistration registration =
        new ClientRegistration(new SqlClientStore(db, clock), hasher, crashPoints);
    ReservationSweeper sweeper = new ReservationSweeper(registration.ledger(),
        new CoordinatorClient(config.transport().authenticated(coordinator),
            config.coordinatorDeadline()), config.participant(),
        clock);
    RetentionPurger purger =
        new RetentionPurger(TccBarrier.finishedRecords(db), config.retention(), clock);
    List<AutoCloseable> owned = new ArrayList<>();
    owned.add(purger);
    owned.add(sweeper);
    if (ownedChannel != null) {
      owned.add(ownedChannel);
    }
    owned.add(hasher);
    owned.add(db);
    GrpcServerHost host;
    try {
      host = new GrpcServerHost(NAME, builder,
          List.of(new ClientServiceImpl(registration),
              config.transport().internal(new ClientParticipantImpl(registration))),
          new ClientStatusMapper(), List.of(), owned, config.drainTimeout(),
          config.transport().connections());
    } catch (RuntimeException e) {
      closeAll(owned);
      throw e;
    }
    // A full disk, a file that cannot be written or a database server that cannot be reached
    // turns health NOT_SERVING while it lasts.
    db.onWritableChange(host::storeWritable);
    sweeper.start(NAME);
    purger.start(NAME);
    return host;
  }

  private static void closeAll(List<AutoCloseable> owned) {
    for (AutoCloseable resource : owned) {
      try {
        resource.close();
      } catch (Exception ignored) {
        // the construction failure is the one to report
      }
    }
  }

  /** The coordinator channel this server built, shut down with it. */
  private record OwnedChannel(ManagedChannel channel) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      channel.shutdown();
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    }

    @Override
    public String toString() {
      return "coordinator channel";
    }
  }
}
