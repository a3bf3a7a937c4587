package signup.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import signup.common.domain.InvalidInputException;
import signup.common.metrics.Metrics;
import signup.common.metrics.Promtool;
import signup.common.metrics.Scrape;
import signup.orchestrator.v1.Decision;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;

/** Every server's {@code /metrics}: gRFC A66's call series, the JVM's, over real HTTP. */
class GrpcServerHostMetricsTest {
  private static final String RESOLVE =
      "signup.orchestrator.v1.TransactionCoordinator/ResolveTransaction";

  private final ScriptedCoordinator service = new ScriptedCoordinator(txnId -> {
    if (txnId.equals("bad")) {
      throw InvalidInputException.of("txn_id", "must not be bad");
    }
    return GrpcServerHostTest.decision(Decision.COMMIT);
  });
  private final List<GrpcServerHost> hosts = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<Metrics> clientMetrics = new ArrayList<>();

  @AfterEach
  void tearDown() {
    channels.forEach(ManagedChannel::shutdownNow);
    hosts.forEach(GrpcServerHost::close);
    clientMetrics.forEach(Metrics::close);
  }

  @Test
  void eachCallIsCountedAndTimedByMethodAndStatusOnBothSides() {
    GrpcServerHost host = host(0).start();
    int metricsPort = host.metrics().port().orElseThrow();
    Metrics caller = Metrics.unserved();
    clientMetrics.add(caller);
    Channel channel = caller.intercept(channelTo(host), "test-target");

    for (String txnId : List.of("t1", "t2", "bad")) {
      try {
        TransactionCoordinatorGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .resolveTransaction(GrpcServerHostTest.request(txnId));
      } catch (StatusRuntimeException expectedForBad) {
        assertEquals("bad", txnId);
      }
    }

    Scrape server = Scrape.of(metricsPort);
    assertEquals(3, server.value("grpc_server_call_started_total", "grpc_method", RESOLVE));
    assertEquals(2, server.value("grpc_server_call_duration_seconds_count",
        "grpc_method", RESOLVE, "grpc_status", "OK"));
    assertEquals(1, server.value("grpc_server_call_duration_seconds_count",
        "grpc_method", RESOLVE, "grpc_status", "INVALID_ARGUMENT"));
    assertEquals(2, server.value("grpc_server_call_duration_seconds_bucket",
        "grpc_method", RESOLVE, "grpc_status", "OK", "le", "+Inf"));
    assertTrue(server.value("grpc_server_call_duration_seconds_sum",
        "grpc_method", RESOLVE) > 0);
    Scrape client = Scrape.parseText(caller.scrape());
    assertEquals(2, client.value("grpc_client_call_duration_seconds_count",
        "grpc_method", RESOLVE, "grpc_status", "OK", "grpc_target", "test-target"));
    assertEquals(1, client.value("grpc_client_call_duration_seconds_count",
        "grpc_method", RESOLVE, "grpc_status", "INVALID_ARGUMENT"));
  }

  @Test
  void theJvmAndTheProcessAreOnThePageInPrometheusTextFormat() {
    GrpcServerHost host = host(0).start();

    Scrape page = Scrape.of(host.metrics().port().orElseThrow());

    assertEquals("text/plain; version=0.0.4; charset=utf-8", page.contentType);
    for (String series : List.of("jvm_memory_used_bytes", "jvm_threads_live_threads",
        "jvm_gc_memory_allocated_bytes_total", "process_cpu_usage", "process_cpu_seconds_total", "process_files_open_files",
        "process_uptime_seconds")) {
      assertTrue(page.has(series), series + " is missing from:\n" + page.text);
    }
    assertTrue(page.value("process_files_open_files") > 0);
    Promtool.checkMetrics(page.text);
  }

  @Test
  void onlyMetricsIsServedAndOnlyToGet() throws Exception {
    int port = host(0).start().metrics().port().orElseThrow();

    assertEquals(404, Scrape.get(port, "/").statusCode());
    assertEquals(404, Scrape.get(port, "/metrics/../secrets").statusCode());
    var post = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
            "http://127.0.0.1:" + port + "/metrics"))
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
  }

  @Test
  void aTakenMetricsPortStopsTheStartNamingTheOptionAndFreesTheGrpcPort() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      int grpcPort = freePort();
      GrpcServerHost host = host(grpcPort, taken.getLocalPort());

      GrpcServerHost.PortInUseException refused =
          assertThrows(GrpcServerHost.PortInUseException.class, host::start);

      assertTrue(refused.getMessage().contains("--metrics-port"), refused.getMessage());
      assertTrue(refused.getMessage().contains(String.valueOf(taken.getLocalPort())),
          refused.getMessage());
      // Closed by start(): its gRPC port is free again.
      try (ServerSocket again = new ServerSocket(grpcPort, 1,
          java.net.InetAddress.getByName("127.0.0.1"))) {
        assertEquals(grpcPort, again.getLocalPort());
      }
    }
  }

  @Test
  void aMetricsPortOfMinusOneServesNothing() {
    GrpcServerHost host = host(Metrics.OFF).start();

    assertFalse(host.metrics().port().isPresent());
    assertTrue(host.metrics().scrape().contains("jvm_memory_used_bytes"),
        "still recorded, only not served");
  }

  @Test
  void closingTheHostStopsTheEndpoint() {
    GrpcServerHost host = host(0).start();
    int port = host.metrics().port().orElseThrow();

    host.close();

    assertThrows(AssertionError.class, () -> Scrape.of(port));
  }

  private GrpcServerHost host(int metricsPort) {
    return host(0, metricsPort);
  }

  private GrpcServerHost host(int grpcPort, int metricsPort) {
    GrpcServerHost host = new GrpcServerHost("test",
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", grpcPort)),
        List.of(service),
        StandardErrors::toStatus, List.of(), List.of(), Duration.ofSeconds(5),
        ConnectionPolicy.DEFAULTS, Metrics.serving("127.0.0.1", metricsPort));
    hosts.add(host);
    return host;
  }

  private static int freePort() throws IOException {
    return FreePorts.pick();
  }

  private ManagedChannel channelTo(GrpcServerHost host) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", host.port())
        .usePlaintext().build();
    channels.add(channel);
    return channel;
  }
}
