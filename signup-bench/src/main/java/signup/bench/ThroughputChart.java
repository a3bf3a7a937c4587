package signup.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A PNG of a run, drawn by XChart: throughput (left) and p99 latency (right) against
 * concurrency, the protocol as solid lines and the local limit as dashed ones, one colour per
 * configuration, under one heading that says what ran. Log scales throughout: the two
 * configurations are orders of magnitude apart, and concurrencies are swept in powers of two.
 */
public final class ThroughputChart {
  private static final int WIDTH = 1200;
  private static final int HEIGHT = 560;
  private static final int HEADING = 40;
  private static final Color[] COLOURS = {new Color(0xD62728), new Color(0x1F77B4),
      new Color(0x2CA02C), new Color(0x9467BD)};
  private static final BasicStroke SOLID = new BasicStroke(2.2f);
  private static final BasicStroke DASHED = new BasicStroke(2.2f, BasicStroke.CAP_BUTT,
      BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f);

  private ThroughputChart() {}

  public static void write(Path file, BenchResult result) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart throughput = panel("throughput, sign-ups/s", result, Measurement::throughput);
    XYChart p99 = panel("p99 latency, ms", result, m -> m.latency().p99());
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
      String heading = "signup bench: " + (result.system().equals("self-hosted")
          ? "3 service JVMs " + String.join(" ", result.serviceJvmOptions())
          : "target " + result.system()) + ", " + result.cores() + " cores, synchronous=FULL";
      g.drawString(heading, (WIDTH - g.getFontMetrics().stringWidth(heading)) / 2, 28);
      g.translate(0, HEADING);
      throughput.paint(g, WIDTH / 2, HEIGHT - HEADING);
      g.translate(WIDTH / 2, 0);
      p99.paint(g, WIDTH / 2, HEIGHT - HEADING);
    } finally {
      g.dispose();
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer in this JDK");
    }
  }

  /** One panel: a series per configuration and side (protocol, local limit). */
  static XYChart panel(String title, BenchResult result, ToDoubleFunction<Measurement> value) {
    XYChart chart = new XYChartBuilder().width(WIDTH / 2).height(HEIGHT - HEADING).title(title)
        .xAxisTitle("concurrency (sign-ups in flight)").build();
    chart.getStyler().setYAxisLogarithmic(true).setYAxisDecimalPattern("#,##0.###")
        .setXAxisTickMarkSpacingHint(40).setPlotGridLinesColor(new Color(0xE0E0E0))
        .setLegendPosition(Styler.LegendPosition.OutsideS)
        .setLegendLayout(Styler.LegendLayout.Vertical)
        .setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12))
        .setLegendBorderColor(Color.WHITE).setChartBackgroundColor(Color.WHITE)
        .setPlotBorderColor(Color.GRAY).setLocale(Locale.ROOT);
    // Concurrencies are swept in powers of two: X is their log2, labelled with the concurrency
    // itself (XChart's own log axis labels decades only: 1, 10, 100).
    chart.setCustomXAxisTickLabelsFormatter(log2 -> log2 == Math.rint(log2) && log2 >= 0
        ? String.valueOf(Math.round(Math.pow(2, log2))) : "");
    int colour = 0;
    for (BenchResult.Configuration c : result.configurations()) {
      Color col = COLOURS[colour++ % COLOURS.length];
      add(chart, c.cost().label() + ": protocol", c.steps(), BenchResult.Step::protocol, value,
          col, false);
      if (c.steps().stream().anyMatch(step -> step.local() != null)) {
        add(chart, c.cost().label() + ": local limit", c.steps(), BenchResult.Step::local, value,
            col, true);
      }
    }
    decades(chart, result, value);
    return chart;
  }

  /**
   * The Y axis from the decade below the smallest value to the one above the largest: XChart
   * labels a log axis at its decades only, and a range within one decade would show none.
   */
  private static void decades(XYChart chart, BenchResult result,
      ToDoubleFunction<Measurement> value) {
    DoubleSummaryStatistics positive = result.configurations().stream()
        .flatMap(c -> c.steps().stream())
        .flatMap(step -> Stream.of(step.protocol(), step.local()))
        .filter(Objects::nonNull)
        .mapToDouble(value)
        .filter(v -> v > 0)
        .summaryStatistics();
    double low = positive.getCount() == 0 ? 0 : Math.floor(Math.log10(positive.getMin()));
    double high = positive.getCount() == 0 ? 1 : Math.ceil(Math.log10(positive.getMax()));
    chart.getStyler().setYAxisMin(Math.pow(10, low))
        .setYAxisMax(Math.pow(10, Math.max(high, low + 1)));
  }

  /**
   * A log scale has no zero: a step that measured 0 is left out of the line and named in the
   * legend ("(0 at 256)"), so that a collapse is not hidden.
   */
  private static void add(XYChart chart, String name, List<BenchResult.Step> steps,
      Function<BenchResult.Step, Measurement> side, ToDoubleFunction<Measurement> value,
      Color colour, boolean dashed) {
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    List<String> zeros = new ArrayList<>();
    for (BenchResult.Step step : steps) {
      Measurement m = side.apply(step);
      double v = m == null ? Double.NaN : value.applyAsDouble(m);
      if (v > 0) {
        x.add(log2(step.concurrency()));
        y.add(v);
      } else if (v == 0) {
        zeros.add(String.valueOf(step.concurrency()));
      }
    }
    if (x.isEmpty()) {
      // Nothing to draw, but the legend still says where it went to 0.
      x.add(log2(steps.get(0).concurrency()));
      y.add(Double.NaN);
    }
    XYSeries series = chart.addSeries(
        zeros.isEmpty() ? name : name + " (0 at " + String.join(", ", zeros) + ")", x, y);
    series.setLineColor(colour);
    series.setMarkerColor(colour);
    series.setLineStyle(dashed ? DASHED : SOLID);
    series.setMarker(dashed ? SeriesMarkers.SQUARE : SeriesMarkers.CIRCLE);
  }

  private static double log2(int concurrency) {
    return Math.log(concurrency) / Math.log(2);
  }
}
