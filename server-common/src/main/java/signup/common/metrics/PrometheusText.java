package signup.common.metrics;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of a page in Prometheus's text format (0.0.4, what {@code /metrics} serves), for
 * whoever reads a server from outside as Prometheus does: the benchmark, and the tests.
 * {@code value("signup_started_total")}, {@code value(name, "label", "value", ...)}.
 */
public final class PrometheusText {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+-?\\d+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  /** By sample name, then by its labels. */
  private final Map<String, Map<Map<String, String>, Double>> samples;

  private PrometheusText(Map<String, Map<Map<String, String>, Double>> samples) {
    this.samples = samples;
  }

  /**
   * @throws IllegalArgumentException at the first line that is neither a comment nor a sample
   */
  public static PrometheusText parse(String text) {
    Map<String, Map<Map<String, String>, Double>> parsed = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException("not a sample line: " + line);
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
    return new PrometheusText(parsed);
  }

  /**
   * The sum of the samples of {@code name} whose labels include these pairs (0 when none: a
   * series not yet written has not moved).
   */
  public double value(String name, String... labelPairs) {
    Map<String, String> wanted = pairs(labelPairs);
    double sum = 0;
    for (var sample : samples(name).entrySet()) {
      if (sample.getKey().entrySet().containsAll(wanted.entrySet())) {
        sum += sample.getValue();
      }
    }
    return sum;
  }

  /** Each sample of {@code name}, by its labels (empty when there is none). */
  public Map<Map<String, String>, Double> samples(String name) {
    return Collections.unmodifiableMap(samples.getOrDefault(name, Map.of()));
  }

  public boolean has(String name) {
    return samples.containsKey(name);
  }

  /** Every sample name on the page. */
  public Set<String> names() {
    return Collections.unmodifiableSet(samples.keySet());
  }

  private static Map<String, String> pairs(String... labelPairs) {
    if (labelPairs.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name, value pairs");
    }
    Map<String, String> pairs = new HashMap<>();
    for (int i = 0; i < labelPairs.length; i += 2) {
      pairs.put(labelPairs[i], labelPairs[i + 1]);
    }
    return pairs;
  }
}
