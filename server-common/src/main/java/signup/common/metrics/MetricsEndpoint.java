package signup.common.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import signup.common.domain.DaemonThreads;

/**
 * {@code GET /metrics} in Prometheus's text format (0.0.4), on the JDK's own HTTP server: one
 * thread, no dependency. A scrape every few seconds needs no more (BUILD-NOTES: Prometheus's
 * own exporter must be pinned against Micrometer's, this cannot drift).
 */
final class MetricsEndpoint implements AutoCloseable {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static MetricsEndpoint start(String bind, int port, PrometheusMeterRegistry registry) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(bind, port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + bind + ":" + port + ": "
          + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(
        DaemonThreads.named("metrics-" + server.getAddress().getPort()));
    server.setExecutor(executor);
    server.createContext("/", exchange -> {
      try (exchange) {
        answer(exchange, registry);
      }
    });
    server.start();
    return new MetricsEndpoint(server, executor);
  }

  private static void answer(HttpExchange exchange, PrometheusMeterRegistry registry)
      throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (!path.equals("/metrics")) {
      reply(exchange, 404, "text/plain; charset=utf-8", "only /metrics is served here\n");
      return;
    }
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      reply(exchange, 405, "text/plain; charset=utf-8", "GET or HEAD\n");
      return;
    }
    reply(exchange, 200, CONTENT_TYPE, method.equals("HEAD") ? "" : registry.scrape());
  }

  private static void reply(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
