package signup.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import signup.common.domain.DaemonThreads;

/**
 * Where the self-hosted services send their spans when the bench runs them with tracing: an
 * OTLP/HTTP receiver on a free localhost port that counts the spans of each service and keeps
 * nothing else. The services' exporter is the real one (OTLP over HTTP, protobuf, as an
 * operator's collector would get it), so a traced run pays for creating, batching, encoding and
 * sending every span; what a collector then does with them is not the services' cost.
 *
 * <p>Not the SDK's {@code logging} exporter: it writes a line a span into the services' logs,
 * which at thousands of sign-ups a second measures the log, not the tracing; and no collector
 * is installed here to receive OTLP.
 */
final class TraceSink implements AutoCloseable {
  static final String PATH = "/v1/traces";

  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, Long> spans = new TreeMap<>();
  private long requests;

  private TraceSink(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static TraceSink start() {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for the services' spans", e);
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(
        DaemonThreads.named("trace-sink"));
    server.setExecutor(executor);
    TraceSink sink = new TraceSink(server, executor);
    server.createContext(PATH, exchange -> {
      try (exchange) {
        sink.receive(exchange);
      }
    });
    server.start();
    return sink;
  }

  /** The OTLP/HTTP traces endpoint, as {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} takes it. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
  }

  /** Spans received so far, by the {@code service.name} of their resource. */
  synchronized Map<String, Long> spansByService() {
    return Map.copyOf(spans);
  }

  /** Export requests received so far (each a batch of spans). */
  synchronized long requests() {
    return requests;
  }

  private void receive(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().equals("POST")) {
      exchange.sendResponseHeaders(405, -1);
      return;
    }
    Map<String, Long> counted;
    try (InputStream body = exchange.getRequestBody()) {
      counted = countSpans(body.readAllBytes());
    } catch (IOException e) {
      // Not protobuf (or not OTLP's): say so, as a collector would.
      exchange.sendResponseHeaders(400, -1);
      return;
    }
    synchronized (this) {
      requests++;
      counted.forEach((service, n) -> spans.merge(service, n, Long::sum));
    }
    // An empty ExportTraceServiceResponse: everything accepted.
    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(200, -1);
  }

  /**
   * The spans of an {@code ExportTraceServiceRequest}, by service: resource_spans (1) hold a
   * resource (1) whose attributes (1) name the service, and scope_spans (2), each holding spans
   * (2). Read field by field, since the OTLP message classes are not on the class path.
   */
  static Map<String, Long> countSpans(byte[] request) throws IOException {
    Map<String, Long> counted = new TreeMap<>();
    CodedInputStream in = CodedInputStream.newInstance(request);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (isLengthDelimited(tag, 1)) {
        ResourceSpans r = resourceSpans(in.readBytes());
        counted.merge(r.service(), r.spans(), Long::sum);
      } else {
        in.skipField(tag);
      }
    }
    return counted;
  }

  private record ResourceSpans(String service, long spans) {}

  private static ResourceSpans resourceSpans(ByteString bytes) throws IOException {
    String service = "unknown";
    long spans = 0;
    CodedInputStream in = bytes.newCodedInput();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (isLengthDelimited(tag, 1)) {
        service = serviceName(in.readBytes(), service);
      } else if (isLengthDelimited(tag, 2)) {
        spans += countFields(in.readBytes(), 2);
      } else {
        in.skipField(tag);
      }
    }
    return new ResourceSpans(service, spans);
  }

  /** Resource.attributes (1) are KeyValues: key (1), value (2) an AnyValue: string (1). */
  private static String serviceName(ByteString resource, String otherwise) throws IOException {
    CodedInputStream in = resource.newCodedInput();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (!isLengthDelimited(tag, 1)) {
        in.skipField(tag);
        continue;
      }
      CodedInputStream keyValue = in.readBytes().newCodedInput();
      String key = null;
      String value = null;
      for (int t = keyValue.readTag(); t != 0; t = keyValue.readTag()) {
        if (isLengthDelimited(t, 1)) {
          key = keyValue.readStringRequireUtf8();
        } else if (isLengthDelimited(t, 2)) {
          CodedInputStream any = keyValue.readBytes().newCodedInput();
          for (int a = any.readTag(); a != 0; a = any.readTag()) {
            if (isLengthDelimited(a, 1)) {
              value = any.readStringRequireUtf8();
            } else {
              any.skipField(a);
            }
          }
        } else {
          keyValue.skipField(t);
        }
      }
      if ("service.name".equals(key) && value != null) {
        return value;
      }
    }
    return otherwise;
  }

  private static long countFields(ByteString message, int field) throws IOException {
    long n = 0;
    CodedInputStream in = message.newCodedInput();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (isLengthDelimited(tag, field)) {
        n++;
      }
      in.skipField(tag);
    }
    return n;
  }

  /** A length-delimited field (a message, a string or bytes) numbered {@code field}. */
  private static boolean isLengthDelimited(int tag, int field) {
    return WireFormat.getTagFieldNumber(tag) == field
        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
