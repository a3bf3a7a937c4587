package signup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
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
}
