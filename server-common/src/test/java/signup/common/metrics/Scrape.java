package signup.common.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One scrape of a {@code /metrics} page, over HTTP as Prometheus reads it, parsed into its
 * samples: {@code value("signup_completed_total")}, {@code value(name, "label", "value", ...)}.
 */
public final class Scrape {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  public final String text;
  public final String contentType;
  private final PrometheusText samples;

  private Scrape(String text, String contentType) {
    this.text = text;
    this.contentType = contentType;
    this.samples = PrometheusText.parse(text);
  }

  /** GET http://127.0.0.1:{port}/metrics; fails unless it answers 200. */
  public static Scrape of(int port) {
    HttpResponse<String> response = get(port, "/metrics");
    if (response.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + response.statusCode());
    }
    return new Scrape(response.body(),
        response.headers().firstValue("Content-Type").orElse(""));
  }

  public static Scrape parseText(String text) {
    return new Scrape(text, "");
  }

  public static HttpResponse<String> get(int port, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("cannot scrape port " + port + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * The sum of the samples of {@code name} whose labels include these pairs (0 when none: a
   * series not yet written has not moved).
   */
  public double value(String name, String... labelPairs) {
    return samples.value(name, labelPairs);
  }

  public boolean has(String name) {
    return samples.has(name);
  }

  /** Every sample name on the page. */
  public java.util.Set<String> names() {
    return samples.names();
  }
}
