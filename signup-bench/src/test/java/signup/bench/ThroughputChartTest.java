package signup.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.junit.jupiter.api.io.TempDir;

class ThroughputChartTest {
  @TempDir Path dir;

  private static Measurement measured(double perSecond, double p99) {
    return new Measurement(Math.round(perSecond * 10), Map.of(), Duration.ofSeconds(10),
        new Measurement.Latency(p99 / 3, p99 / 2, p99, p99 * 1.2, p99 * 1.5));
  }

  @Test
  void drawsBothConfigurationsIntoAPngWithSomethingOnIt() throws Exception {
    List<Integer> concurrencies = List.of(1, 4, 16, 64, 256);
    List<BenchResult.Configuration> configurations = new ArrayList<>();
    for (HashCost cost : HashCost.values()) {
      List<BenchResult.Step> steps = new ArrayList<>();
      double scale = cost == HashCost.MINIMUM ? 40 : 1;
      for (int c : concurrencies) {
        steps.add(new BenchResult.Step(c, measured(scale * Math.min(c, 40), 5.0 * c / scale),
            measured(scale * 1.5 * Math.min(c, 40), 2.0 * c / scale), PerSignupCost.NONE,
            PerSignupCost.NONE, Warmup.NONE, Warmup.NONE));
      }
      configurations.add(new BenchResult.Configuration(cost, steps, Map.of(), Map.of()));
    }
    BenchSettings settings = new BenchSettings(null, List.of(HashCost.values()), concurrencies,
        Duration.ofSeconds(10), 0, Duration.ZERO, Duration.ZERO, Duration.ZERO,
        Duration.ofSeconds(10), true,
        List.of("-Xmx256m"), null, dir, target -> null, new ReportOnlyParts(),
        "unused.Main");
    Path png = dir.resolve("chart.png");

    ThroughputChart.write(png, new BenchResult("self-hosted", List.of("-Xmx256m"), 2, 256, settings,
        configurations));

    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(1200, image.getWidth());
    assertEquals(560, image.getHeight());
    // The production series is drawn in red somewhere in the left panel.
    boolean red = false;
    for (int x = 80; x < 560 && !red; x++) {
      for (int y = 70; y < 440 && !red; y++) {
        red = image.getRGB(x, y) == (0xFF000000 | 0xD62728);
      }
    }
    assertTrue(red, "no production line drawn");
  }

  @Test
  void aStepThatMeasuredZeroIsNamedInTheLegendSinceALogScaleHasNoZero() throws Exception {
    // One sign-up per second at 1 in flight, none at 2: a collapse, which must not be hidden.
    List<BenchResult.Step> steps = List.of(1, 2).stream().map(c -> new BenchResult.Step(c,
        new Measurement(c == 1 ? 10 : 0, c == 1 ? Map.of() : Map.of("UNAVAILABLE", 5L),
            Duration.ofSeconds(10), new Measurement.Latency(1, 1, 1, 1, 1)), null,
        PerSignupCost.NONE, PerSignupCost.NONE, Warmup.NONE, null)).toList();
    BenchSettings settings = new BenchSettings("localhost:1", List.of(HashCost.MINIMUM),
        List.of(1, 2), Duration.ofSeconds(10), 0, Duration.ZERO, Duration.ZERO, Duration.ZERO,
        Duration.ofSeconds(1), false, List.of(), null, dir, target -> null, new ReportOnlyParts(),
        "unused.Main");
    BenchResult result = new BenchResult("localhost:1", List.of(), 2, 256, settings,
        List.of(new BenchResult.Configuration(HashCost.MINIMUM, steps, Map.of(), Map.of())));

    XYChart throughput = ThroughputChart.panel("throughput", result, Measurement::throughput);

    XYSeries protocol = throughput.getSeries("minimum: protocol (0 at 2)");
    assertNotNull(protocol, () -> "series: "
        + throughput.getSeriesCollection().stream().map(XYSeries::getName).toList());
    assertArrayEquals(new double[] {1.0}, protocol.getYData(), "only the step above zero");
    Path png = dir.resolve("collapse.png");
    ThroughputChart.write(png, result);
    assertEquals(1200, ImageIO.read(png.toFile()).getWidth());
  }
}
