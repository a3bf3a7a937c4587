package signup.orchestrator.bench;

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
 * @param liveAfterGc in use right after a full collection: what the service really keeps
 */
record HeapUsage(long used, long committed, long max, long liveAfterGc) {
  // " garbage-first heap   total 262144K, used 54321K [0x00000000f0000000, 0x0000000100000000)"
  private static final Pattern HEAP = Pattern.compile(
      "heap\\s+total (\\d+)K, used (\\d+)K \\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");

  /** {@code used}, {@code committed} and {@code max} from one GC.heap_info text. */
  static Optional<HeapUsage> parse(String heapInfo, long liveAfterGc) {
    Matcher m = HEAP.matcher(heapInfo);
    if (!m.find()) {
      return Optional.empty();
    }
    long reservedBytes = new BigInteger(m.group(4), 16).subtract(new BigInteger(m.group(3), 16))
        .longValueExact();
    return Optional.of(new HeapUsage(Long.parseLong(m.group(2)) / 1024,
        Long.parseLong(m.group(1)) / 1024, reservedBytes / (1024 * 1024), liveAfterGc));
  }

  /** Just the used MiB of one GC.heap_info text. */
  static Optional<Long> usedMiB(String heapInfo) {
    return parse(heapInfo, 0).map(HeapUsage::used);
  }

  @Override
  public String toString() {
    return used + "/" + committed + "/" + max + " MiB, live " + liveAfterGc;
  }
}
