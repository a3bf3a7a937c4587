package signup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HashBenchCommandTest {
  @Test
  void reportsHashesPerSecondAndAllocationForEachThreadCount() {
    StringWriter out = new StringWriter();
    CommandLine cli = SignupCli.commandLine(new ByteArrayInputStream(new byte[0]));
    cli.setOut(new PrintWriter(out, true));

    int exit = cli.execute("hash-bench", "--cost", "minimum", "--threads", "1,2",
        "--duration", "300ms");

    assertEquals(0, exit, out.toString());
    assertTrue(out.toString().startsWith("Argon2id m=8 KiB, t=1, p=1 by native (libsodium)"),
        out.toString());
    Matcher rows = Pattern.compile("(?m)^\\s+([12])\\s+([0-9.]+)\\s").matcher(out.toString());
    int found = 0;
    while (rows.find()) {
      found++;
      assertTrue(Double.parseDouble(rows.group(2)) > 0, out.toString());
    }
    assertEquals(2, found, out.toString());
  }

  @Test
  void aThreadCountOutOfRangeIsAUsageError() {
    StringWriter err = new StringWriter();
    CommandLine cli = SignupCli.commandLine(new ByteArrayInputStream(new byte[0]));
    cli.setErr(new PrintWriter(err, true));

    assertEquals(2, cli.execute("hash-bench", "--threads", "0"));
    assertTrue(err.toString().contains("--threads must be 1-64"), err.toString());
  }
}
