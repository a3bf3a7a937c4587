package signup.bench;

import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java heap of a service process, in MiB, as {@code jcmd <pid> GC.heap_info} reports it.
 *
 * @param used in use at the end of the run, garbage included
 * @param committed claimed from the operating system
 * @param max the most it may grow to (-Xmx)
 * @param liveAfterGc in use right after a full collection: what the service really keeps;
 *     -1 when unknown
 */
record HeapUsage(long used, long committed, long max, long liveAfterGc) {
  // " garbage-first heap   total 262144K, used 54321K [0x00000000f0000000, 0x0000000100000000)"
  private static final Pattern HEAP = Pattern.compile(
      "heap\\s+total (\\d+)K, used (\\d+)K \\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");

  /**
   * From the output of {@code GC.heap_info}, {@code GC.run}, {@code GC.heap_info}: the first
   * report gives used, committed and max, the last one the live set.
   */
  static Optional<HeapUsage> parseBeforeAndAfterGc(String jcmdOutput) {
    Matcher m = HEAP.matcher(jcmdOutput);
    if (!m.find()) {
      return Optional.empty();
    }
    long used = Long.parseLong(m.group(2)) / 1024;
    long committed = Long.parseLong(m.group(1)) / 1024;
    long reservedBytes = new BigInteger(m.group(4), 16).subtract(new BigInteger(m.group(3), 16))
        .longValueExact();
    long live = -1;
    while (m.find()) {
      live = Long.parseLong(m.group(2)) / 1024;
    }
    return Optional.of(new HeapUsage(used, committed, reservedBytes / (1024 * 1024), live));
  }

  @Override
  public String toString() {
    return used + "/" + committed + "/" + max + " MiB, live " + liveAfterGc;
  }
}
