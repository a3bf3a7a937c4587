package signup.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import signup.orchestrator.v1.Decision;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;

/** The host on a real socket: ephemeral ports, a taken port, the message size cap. */
class GrpcServerHostOverTcpTest {
  private final ScriptedCoordinator service =
      new ScriptedCoordinator(txnId -> GrpcServerHostTest.decision(Decision.ABORT));
  private final List<GrpcServerHost> hosts = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void tearDown() {
    channels.forEach(ManagedChannel::shutdownNow);
    hosts.forEach(GrpcServerHost::close);
  }

  @Test
  void hostListensOnAnEphemeralPortAndAnswersThere() {
    GrpcServerHost host = tcpHost(0).start();
    assertTrue(host.port() > 0, "the bound port is reported, not 0");

    ManagedChannel channel = channelTo(host);
    assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService("").build()).getStatus());
    assertEquals(Decision.ABORT, TransactionCoordinatorGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .resolveTransaction(GrpcServerHostTest.request("t1")).getDecision());
  }

  @Test
  void secondServerOnATakenPortFailsWithPortInUse() {
    GrpcServerHost first = tcpHost(0).start();
    GrpcServerHost second = tcpHost(first.port());

    GrpcServerHost.PortInUseException refused =
        assertThrows(GrpcServerHost.PortInUseException.class, second::start);

    assertTrue(refused.getMessage().contains("already in use"), refused.getMessage());
    assertTrue(refused.getMessage().contains(String.valueOf(first.port())), refused.getMessage());
  }

  @Test
  void requestLargerThanTheCapIsRefused() {
    ManagedChannel channel = channelTo(tcpHost(0).start());
    String huge = "x".repeat(GrpcServerHost.MAX_INBOUND_MESSAGE_BYTES + 1);

    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
        () -> TransactionCoordinatorGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .resolveTransaction(GrpcServerHostTest.request(huge)));

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
    assertEquals(List.of(), service.asked, "the oversized request never reached the service");
  }

  private GrpcServerHost tcpHost(int port) {
    GrpcServerHost host = new GrpcServerHost("test",
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)), List.of(service),
        StandardErrors::toStatus, List.of(), List.of(), Duration.ofSeconds(5));
    hosts.add(host);
    return host;
  }

  private ManagedChannel channelTo(GrpcServerHost host) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", host.port())
        .usePlaintext().build();
    channels.add(channel);
    return channel;
  }
}
