package signup.cli.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap a live JVM really holds: a full GC ({@code jcmd GC.run}), then the used heap
 * ({@code jcmd GC.heap_info}). Garbage waiting for collection would otherwise hide a leak or
 * fake one; after a full GC what is left is what the process keeps.
 */
final class HeapSampler {
  private static final Pattern G1_USED = Pattern.compile("garbage-first heap.*?used (\\d+)K");
  private static final Pattern GENERATION_USED =
      Pattern.compile("(?m)^\\s*\\S+ generation.*?used (\\d+)K");

  private HeapSampler() {}

  /** Used heap after a full GC, in KiB. */
  static long usedAfterFullGcKiB(long pid) {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher g1 = G1_USED.matcher(info);
    if (g1.find()) {
      return Long.parseLong(g1.group(1));
    }
    long used = 0;
    Matcher generations = GENERATION_USED.matcher(info);
    boolean found = false;
    while (generations.find()) {
      used += Long.parseLong(generations.group(1));
      found = true;
    }
    if (!found) {
      throw new IllegalStateException("no used heap in jcmd's answer:\n" + info);
    }
    return used;
  }

  private static String jcmd(long pid, String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
          .redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
