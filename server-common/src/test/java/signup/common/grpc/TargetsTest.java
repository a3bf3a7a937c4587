package signup.common.grpc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
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
import signup.orchestrator.v1.TransactionCoordinatorGrpc.TransactionCoordinatorBlockingStub;

/** Several replicas behind one target: spread in turn, and a sick one left out at once. */
class TargetsTest {
  private final List<GrpcServerHost> hosts = new ArrayList<>();
  private final List<ScriptedCoordinator> replicas = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void tearDown() {
    channels.forEach(ManagedChannel::shutdownNow);
    hosts.forEach(GrpcServerHost::close);
  }

  @Test
  void aCommaSeparatedListSpreadsTheCallsOverEveryReplica() {
    TransactionCoordinatorBlockingStub stub = stub(startReplicas(3));
    // Round robin picks among the replicas connected so far: until all three are.
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      call(stub, 3);
      return replicas.stream().allMatch(replica -> !replica.asked.isEmpty());
    });
    List<Integer> before = replicas.stream().map(replica -> replica.asked.size()).toList();

    for (int i = 0; i < 30; i++) {
      assertEquals(Decision.ABORT, stub.withDeadlineAfter(10, TimeUnit.SECONDS)
          .resolveTransaction(GrpcServerHostTest.request("t" + i)).getDecision());
    }

    for (int i = 0; i < replicas.size(); i++) {
      assertEquals(10, replicas.get(i).asked.size() - before.get(i),
          "round robin: each replica its share");
    }
  }

  @Test
  void aReplicaReportingNotServingLeavesTheRotationUntilItServesAgain() {
    TransactionCoordinatorBlockingStub stub = stub(startReplicas(2));
    call(stub, 4);

    hosts.get(0).storeWritable(false);
    // Health is watched (a stream), not polled: the change arrives within moments.
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      int before = replicas.get(0).asked.size();
      call(stub, 4);
      return replicas.get(0).asked.size() == before;
    });
    int sick = replicas.get(0).asked.size();
    call(stub, 10);
    assertEquals(sick, replicas.get(0).asked.size(), "no call reaches a NOT_SERVING replica");

    hosts.get(0).storeWritable(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      call(stub, 4);
      return replicas.get(0).asked.size() > sick;
    });
  }

  @Test
  void aReplicaThatStopsLeavesTheCallsToTheOthers() {
    TransactionCoordinatorBlockingStub stub = stub(startReplicas(2));
    call(stub, 4);

    hosts.get(1).close();

    // The calls in flight when it went may fail; after that every call succeeds.
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      call(stub, 6);
      return true;
    });
    int survivor = replicas.get(0).asked.size();
    call(stub, 10);
    assertEquals(survivor + 10, replicas.get(0).asked.size());
  }

  @Test
  void aListEntryThatIsNotHostAndPortIsRefusedNamingIt() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> Targets.check("localhost:50051,orchestrator-2"));
    assertTrue(refused.getMessage().contains("'orchestrator-2'"), refused.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Targets.check("a:1,b:99999"));
    assertThrows(IllegalArgumentException.class, () -> Targets.check("a:1,"));
    Targets.check("localhost:50051");
    Targets.check("dns:///orchestrator:50051");
    Targets.check("10.0.0.1:50051, 10.0.0.2:50051,[::1]:50051");
  }

  private String startReplicas(int count) {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ScriptedCoordinator replica =
          new ScriptedCoordinator(txnId -> GrpcServerHostTest.decision(Decision.ABORT));
      GrpcServerHost host = new GrpcServerHost("replica-" + i,
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
          List.of(replica), StandardErrors::toStatus, List.of(), List.of(),
          Duration.ofSeconds(1)).start();
      hosts.add(host);
      replicas.add(replica);
      addresses.add("127.0.0.1:" + host.port());
    }
    return String.join(",", addresses);
  }

  private TransactionCoordinatorBlockingStub stub(String target) {
    ManagedChannel channel =
        Targets.channelBuilder(target, InsecureChannelCredentials.create()).build();
    channels.add(channel);
    return TransactionCoordinatorGrpc.newBlockingStub(channel);
  }

  private static void call(TransactionCoordinatorBlockingStub stub, int times) {
    for (int i = 0; i < times; i++) {
      stub.withDeadlineAfter(10, TimeUnit.SECONDS).withWaitForReady()
          .resolveTransaction(GrpcServerHostTest.request("t"));
    }
  }
}
