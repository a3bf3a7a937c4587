package signup.bench;

import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the self-hosted services run with: their Prometheus endpoint, their traces, both or
 * neither, so that what each costs can be measured bench against bench. Metrics are on by
 * default, as in production; the bench reads its heap and group-commit figures from them.
 */
public enum Observability {
  OFF("off", false, false),
  METRICS("metrics", true, false),
  TRACING("tracing", false, true),
  METRICS_AND_TRACING("metrics+tracing", true, true);

  private final String label;
  private final boolean metrics;
  private final boolean tracing;

  Observability(String label, boolean metrics, boolean tracing) {
    this.label = label;
    this.metrics = metrics;
    this.tracing = tracing;
  }

  /** "off", "metrics", "tracing" or "metrics+tracing", in any case. */
  public static Observability parse(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    for (Observability o : values()) {
      if (o.label.equals(v)) {
        return o;
      }
    }
    throw new IllegalArgumentException("must be off, metrics, tracing or metrics+tracing, not "
        + value);
  }

  /** How reports and the option name it. */
  public String label() {
    return label;
  }

  public boolean metrics() {
    return metrics;
  }

  public boolean tracing() {
    return tracing;
  }

  /**
   * How a service is launched in this mode.
   *
   * @param metricsPort the value of its {@code --metrics-port}: 0 (a free one) or -1 (none)
   * @param environment its whole environment
   */
  record Launch(String metricsPort, Map<String, String> environment) {
    Launch {
      environment = Map.copyOf(environment);
    }
  }

  /**
   * {@code base} (this JVM's environment) without any {@code OTEL_} variable, so that a
   * developer's shell cannot switch tracing on or send it elsewhere; with tracing, the
   * variables that make the services export every span over OTLP/HTTP to {@code traceSink}
   * (Tracing's own default protocol), with the SDK's other defaults (batches of 512 every 5 s,
   * a queue of 2,048): what an operator who sets an endpoint gets.
   *
   * @param traceSink where spans go; only read with tracing on
   */
  Launch launch(Map<String, String> base, URI traceSink) {
    Map<String, String> environment = new HashMap<>();
    base.forEach((name, value) -> {
      if (!name.startsWith("OTEL_")) {
        environment.put(name, value);
      }
    });
    if (tracing) {
      environment.put("OTEL_TRACES_EXPORTER", "otlp");
      environment.put("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", traceSink.toString());
    }
    return new Launch(metrics ? "0" : "-1", environment);
  }
}
