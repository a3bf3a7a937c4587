package signup.common.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a {@code /metrics} page, over HTTP as Prometheus reads it, parsed into its
 * samples: {@code value("signup_completed_total")}, {@code value(name, "label", "value", ...)}.
 */
public final class Scrape {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\d+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  public final String text;
  public final String contentType;
  private final Map<String, Map<Map<String, String>, Double>> samples;

  private Scrape(String text, String contentType) {
    this.text = text;
    this.contentType = contentType;
    this.samples = parse(text);
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
    Map<String, String> wanted = new HashMap<>();
    for (int i = 0; i < labelPairs.length; i += 2) {
      wanted.put(labelPairs[i], labelPairs[i + 1]);
    }
    double sum = 0;
    for (var sample : samples.getOrDefault(name, Map.of()).entrySet()) {
      if (sample.getKey().entrySet().containsAll(wanted.entrySet())) {
        sum += sample.getValue();
      }
    }
    return sum;
  }

  public boolean has(String name) {
    return samples.containsKey(name);
  }

  /** Every sample name on the page. */
  public java.util.Set<String> names() {
    return Collections.unmodifiableSet(samples.keySet());
  }

  private static Map<String, Map<Map<String, String>, Double>> parse(String text) {
    Map<String, Map<Map<String, String>, Double>> parsed = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line.strip());
      if (!m.matches()) {
        throw new AssertionError("not a sample line: " + line);
      }
      Map<String, String> labels = new TreeMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      parsed.computeIfAbsent(m.group(1), k -> new HashMap<>())
          .put(labels, Double.parseDouble(m.group(4).replace("+Inf", "Infinity")
              .replace("-Inf", "-Infinity")));
    }
    return parsed;
  }
}
