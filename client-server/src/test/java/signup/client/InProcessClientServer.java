package signup.client;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import signup.client.v1.ClientParticipantGrpc;
import signup.client.v1.ClientServiceGrpc;
import signup.common.grpc.GrpcServerHost;

/** A started client server on an in-process transport, built as main builds it, with a channel. */
public record InProcessClientServer(GrpcServerHost host, ManagedChannel channel)
    implements AutoCloseable {

  public static InProcessClientServer start(ClientServerConfig config, InstantSource clock) {
    String name = InProcessServerBuilder.generateName();
    GrpcServerHost host =
        ClientServer.create(config, InProcessServerBuilder.forName(name), clock);
    try {
      host.start();
    } catch (RuntimeException e) {
      host.close();
      throw e;
    }
    return new InProcessClientServer(host, InProcessChannelBuilder.forName(name).build());
  }

  public ClientParticipantGrpc.ClientParticipantBlockingStub participant() {
    return ClientParticipantGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public ClientServiceGrpc.ClientServiceBlockingStub clients() {
    return ClientServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    host.close();
  }
}
