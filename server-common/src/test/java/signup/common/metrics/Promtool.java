package signup.common.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Prometheus's own linter, {@code promtool} (Debian's {@code prometheus} package, which
 * .ci/run installs). A test that needs it is skipped, saying why, where it is not installed.
 */
public final class Promtool {
  private Promtool() {}

  public static Path require() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    Assumptions.abort("promtool is not installed (apt-get install prometheus); .ci/run has it");
    throw new IllegalStateException("unreachable");
  }

  /** Fails unless {@code promtool check metrics} finds nothing wrong with {@code exposition}. */
  public static void checkMetrics(String exposition) {
    Result result = run(exposition, "check", "metrics");
    assertEquals(0, result.exit(), "promtool check metrics:\n" + result.output());
    assertEquals("", result.output().strip(), "promtool check metrics complained");
  }

  /** {@code promtool <args>} with {@code stdin}; its exit code and its stdout and stderr. */
  public static Result run(String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(require().toString());
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      String output = new String(process.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("promtool did not finish in 60 s");
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new AssertionError("cannot run promtool: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public record Result(int exit, String output) {}
}
