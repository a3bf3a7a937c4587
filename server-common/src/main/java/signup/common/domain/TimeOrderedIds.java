package signup.common.domain;

import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.UUID;

/**
 * New ids as version 7 UUIDs (RFC 9562): the first 48 bits are the time in milliseconds, the
 * rest random (74 bits). They read like any UUID, but ids made one after another sort one after
 * another, so each insert lands at the right edge of its B-tree index instead of on a random
 * page of it: fewer pages read and written per commit than with random (version 4) UUIDs, which
 * a profile of the benchmark showed as SQLite reading pages back from the file (BENCHMARKS.md).
 */
public final class TimeOrderedIds {
  private static final long TIMESTAMP_MASK = 0xFFFF_FFFF_FFFFL;
  private static final long VERSION_7 = 0x7000L;
  private static final long VARIANT_RFC = 0x8000_0000_0000_0000L;

  private final InstantSource clock;
  private final SecureRandom random = new SecureRandom();

  public TimeOrderedIds(InstantSource clock) {
    this.clock = clock;
  }

  public String next() {
    long mostSignificant = ((clock.millis() & TIMESTAMP_MASK) << 16) | VERSION_7
        | (random.nextInt() & 0x0FFFL);
    long leastSignificant = (random.nextLong() >>> 2) | VARIANT_RFC;
    return new UUID(mostSignificant, leastSignificant).toString();
  }
}
