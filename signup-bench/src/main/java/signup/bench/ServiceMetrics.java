package signup.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import signup.common.metrics.PrometheusText;
import signup.common.store.WriteStats;

/**
 * What the bench reads from the services' Prometheus endpoints, over HTTP as Prometheus does:
 * each database's group commit ({@code signup_db_commit_writes}, a histogram of the writes each
 * commit carried) and each JVM's heap. A service whose endpoint is off or does not answer is
 * left out, and the report says its figures are unavailable.
 */
final class ServiceMetrics {
  private static final String COMMIT_WRITES = "signup_db_commit_writes";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  /** GET http://127.0.0.1:{port}/metrics, parsed; empty when it cannot be read. */
  Optional<PrometheusText> scrape(int port) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? Optional.of(PrometheusText.parse(response.body())) : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Each service's heap, by service, from scrapes taken at the end of a run. */
  static Map<String, HeapUsage> heap(Map<String, PrometheusText> scrapes) {
    Map<String, HeapUsage> heap = new LinkedHashMap<>();
    scrapes.forEach((service, metrics) -> HeapUsage.of(metrics)
        .ifPresent(usage -> heap.put(service, usage)));
    return heap;
  }

  /**
   * How each service's database grouped its writes between two scrapes, by service; a service
   * with no group commit of its own (on PostgreSQL the server groups them) or missing from
   * either scrape is left out.
   */
  static Map<String, WriteStats> groupCommit(Map<String, PrometheusText> before,
      Map<String, PrometheusText> after) {
    Map<String, WriteStats> stats = new LinkedHashMap<>();
    after.forEach((service, now) -> {
      if (before.containsKey(service)) {
        between(before.get(service), now).ifPresent(w -> stats.put(service, w));
      }
    });
    return stats;
  }

  /** The same since each service started, from one scrape. */
  static Map<String, WriteStats> groupCommitSinceStart(Map<String, PrometheusText> now) {
    Map<String, WriteStats> stats = new LinkedHashMap<>();
    now.forEach((service, metrics) -> between(null, metrics)
        .ifPresent(w -> stats.put(service, w)));
    return stats;
  }

  /** @param before null for since the start */
  private static Optional<WriteStats> between(PrometheusText before, PrometheusText after) {
    if (!after.has(COMMIT_WRITES + "_count")) {
      return Optional.empty();
    }
    long commits = Math.round(after.value(COMMIT_WRITES + "_count")
        - (before == null ? 0 : before.value(COMMIT_WRITES + "_count")));
    long writes = Math.round(after.value(COMMIT_WRITES + "_sum")
        - (before == null ? 0 : before.value(COMMIT_WRITES + "_sum")));
    return Optional.of(new WriteStats(writes, commits, largestBatch(before, after, commits)));
  }

  /**
   * The histogram's smallest bucket that holds every commit between the two scrapes: an upper
   * bound of the largest batch, at the buckets' resolution (1, 2, 4 ... 256). Past the last
   * bucket, the largest the service saw recently ({@code _max}, over its last minutes).
   */
  private static int largestBatch(PrometheusText before, PrometheusText after, long commits) {
    if (commits <= 0) {
      return 0;
    }
    double bound = Double.POSITIVE_INFINITY;
    for (var bucket : after.samples(COMMIT_WRITES + "_bucket").entrySet()) {
      String le = bucket.getKey().get("le");
      double upper = Double.parseDouble(le.replace("+Inf", "Infinity"));
      double inBucket = bucket.getValue() - (before == null ? 0
          : before.value(COMMIT_WRITES + "_bucket", "le", le));
      if (inBucket >= commits && upper < bound) {
        bound = upper;
      }
    }
    return Double.isInfinite(bound) ? (int) Math.round(after.value(COMMIT_WRITES + "_max"))
        : (int) bound;
  }
}
