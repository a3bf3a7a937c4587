package signup.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * A PNG of a run: throughput (left) and p99 latency (right) against concurrency, the protocol
 * as solid lines and the local limit as dashed ones, one colour per configuration. Log scales
 * throughout, since the two configurations are orders of magnitude apart. Drawn with plain
 * java.awt on a headless image, so it needs nothing but the JDK.
 */
public final class ThroughputChart {
  private static final int WIDTH = 1200;
  private static final int HEIGHT = 560;
  private static final int TOP = 70;
  private static final int BOTTOM = 440;
  private static final Color[] COLOURS = {new Color(0xD62728), new Color(0x1F77B4),
      new Color(0x2CA02C), new Color(0x9467BD)};
  private static final Stroke SOLID = new BasicStroke(2.2f);
  private static final Stroke DASHED = new BasicStroke(2.2f, BasicStroke.CAP_BUTT,
      BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f);

  private ThroughputChart() {}

  private record Series(String label, Color colour, boolean dashed, List<Integer> x,
      List<Double> y) {}

  public static void write(Path file, BenchResult result) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
      String where = result.system().equals("self-hosted")
          ? "3 service JVMs " + String.join(" ", result.serviceJvmOptions())
          : "target " + result.system();
      centre(g, "signup bench: " + where + ", " + result.cores() + " cores, synchronous=FULL",
          WIDTH / 2, 28);
      List<Integer> concurrencies = result.settings().concurrencies();
      List<Series> throughput = series(result, Measurement::throughput);
      List<Series> p99 = series(result, m -> m.latency().p99());
      panel(g, 80, 560, "throughput, sign-ups/s", concurrencies, throughput);
      panel(g, 680, 1160, "p99 latency, ms", concurrencies, p99);
      legend(g, throughput);
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

  private static List<Series> series(BenchResult result, ToDoubleFunction<Measurement> value) {
    List<Series> all = new ArrayList<>();
    int colour = 0;
    for (BenchResult.Configuration c : result.configurations()) {
      Color col = COLOURS[colour++ % COLOURS.length];
      List<Integer> x = new ArrayList<>();
      List<Double> protocol = new ArrayList<>();
      List<Double> local = new ArrayList<>();
      for (BenchResult.Step step : c.steps()) {
        x.add(step.concurrency());
        protocol.add(value.applyAsDouble(step.protocol()));
        local.add(step.local() == null ? Double.NaN : value.applyAsDouble(step.local()));
      }
      all.add(new Series(c.cost().label() + " hash: protocol", col, false, x, protocol));
      if (local.stream().anyMatch(v -> !v.isNaN())) {
        all.add(new Series(c.cost().label() + " hash: local limit", col, true, x, local));
      }
    }
    return all;
  }

  private static void panel(Graphics2D g, int left, int right, String title,
      List<Integer> concurrencies, List<Series> series) {
    double min = Double.MAX_VALUE;
    double max = 0;
    for (Series s : series) {
      for (double v : s.y()) {
        if (v > 0 && !Double.isNaN(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (max == 0) {
      min = 1;
      max = 10;
    }
    double lo = Math.floor(Math.log10(min));
    double hi = Math.ceil(Math.log10(max));
    if (hi <= lo) {
      hi = lo + 1;
    }
    double logLo = lo;
    double logHi = hi;
    ToDoubleFunction<Double> yOf = v -> BOTTOM - (Math.log10(v) - logLo) / (logHi - logLo)
        * (BOTTOM - TOP);
    double xMin = Math.log(concurrencies.stream().mapToInt(i -> i).min().orElse(1));
    double xMax = Math.log(concurrencies.stream().mapToInt(i -> i).max().orElse(1));
    int plotLeft = left + 20;
    int plotRight = right - 20;
    ToDoubleFunction<Integer> xOf = c -> xMax == xMin ? (plotLeft + plotRight) / 2.0
        : plotLeft + (Math.log(c) - xMin) / (xMax - xMin) * (plotRight - plotLeft);

    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.setColor(Color.BLACK);
    centre(g, title, (left + right) / 2, TOP - 14);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    // Decades labelled, 2-9 as faint lines.
    for (int decade = (int) lo; decade <= (int) hi; decade++) {
      double base = Math.pow(10, decade);
      for (int k = 1; k <= 9 && (decade < hi || k == 1); k++) {
        int y = (int) Math.round(yOf.applyAsDouble(base * k));
        g.setColor(k == 1 ? new Color(0xCCCCCC) : new Color(0xEEEEEE));
        g.drawLine(left, y, right, y);
      }
      g.setColor(Color.DARK_GRAY);
      String label = number(base);
      FontMetrics fm = g.getFontMetrics();
      int y = (int) Math.round(yOf.applyAsDouble(base));
      g.drawString(label, left - 6 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
    }
    g.setColor(Color.GRAY);
    g.drawRect(left, TOP, right - left, BOTTOM - TOP);
    g.setColor(Color.DARK_GRAY);
    for (int c : concurrencies) {
      int x = (int) Math.round(xOf.applyAsDouble(c));
      g.drawLine(x, BOTTOM, x, BOTTOM + 5);
      centre(g, String.valueOf(c), x, BOTTOM + 20);
    }
    centre(g, "concurrency (sign-ups in flight)", (left + right) / 2, BOTTOM + 40);
    for (Series s : series) {
      g.setColor(s.colour());
      g.setStroke(s.dashed() ? DASHED : SOLID);
      Path2D.Double line = new Path2D.Double();
      boolean first = true;
      for (int i = 0; i < s.x().size(); i++) {
        double v = s.y().get(i);
        if (!(v > 0)) {
          continue;
        }
        double x = xOf.applyAsDouble(s.x().get(i));
        double y = yOf.applyAsDouble(v);
        if (first) {
          line.moveTo(x, y);
          first = false;
        } else {
          line.lineTo(x, y);
        }
      }
      g.draw(line);
      g.setStroke(SOLID);
      for (int i = 0; i < s.x().size(); i++) {
        double v = s.y().get(i);
        if (v > 0) {
          int x = (int) Math.round(xOf.applyAsDouble(s.x().get(i)));
          int y = (int) Math.round(yOf.applyAsDouble(v));
          if (s.dashed()) {
            g.drawRect(x - 3, y - 3, 6, 6);
          } else {
            g.fillOval(x - 4, y - 4, 8, 8);
          }
        }
      }
    }
    // A zero cannot sit on a log scale: mark it on the axis, so that a collapse is not hidden.
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    for (Series s : series) {
      for (int i = 0; i < s.x().size(); i++) {
        if (s.y().get(i) == 0) {
          int x = (int) Math.round(xOf.applyAsDouble(s.x().get(i)));
          g.setColor(s.colour());
          g.setStroke(SOLID);
          g.drawLine(x - 6, BOTTOM - 14, x + 6, BOTTOM - 2);
          g.drawLine(x - 6, BOTTOM - 2, x + 6, BOTTOM - 14);
          g.drawString("0", x + 9, BOTTOM - 4);
        }
      }
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static void legend(Graphics2D g, List<Series> series) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    FontMetrics fm = g.getFontMetrics();
    int total = 0;
    for (Series s : series) {
      total += 40 + fm.stringWidth(s.label()) + 30;
    }
    int x = Math.max(10, (WIDTH - total) / 2);
    int y = HEIGHT - 40;
    for (Series s : series) {
      g.setColor(s.colour());
      g.setStroke(s.dashed() ? DASHED : SOLID);
      g.drawLine(x, y, x + 32, y);
      g.setStroke(new BasicStroke(1f));
      g.setColor(Color.BLACK);
      g.drawString(s.label(), x + 40, y + fm.getAscent() / 2 - 1);
      x += 40 + fm.stringWidth(s.label()) + 30;
    }
  }

  private static void centre(Graphics2D g, String text, int x, int y) {
    g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, y);
  }

  private static String number(double v) {
    if (v >= 1) {
      return String.format(Locale.ROOT, "%,d", Math.round(v));
    }
    return String.format(Locale.ROOT, "%s", v);
  }
}
