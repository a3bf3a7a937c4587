package signup.common.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import signup.common.MutableClock;

class TimeOrderedIdsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final TimeOrderedIds ids = new TimeOrderedIds(clock);

  @Test
  void anIdIsAVersion7UuidCarryingItsMillisecond() {
    UUID id = UUID.fromString(ids.next());

    assertEquals(7, id.version());
    assertEquals(2, id.variant());
    assertEquals(clock.millis(), id.getMostSignificantBits() >>> 16);
  }

  @Test
  void idsMadeLaterSortAfterEarlierOnes() {
    String earlier = ids.next();
    clock.advance(Duration.ofMillis(1));
    String later = ids.next();

    assertTrue(earlier.compareTo(later) < 0, earlier + " then " + later);
  }

  @Test
  void idsOfTheSameMillisecondDiffer() {
    assertNotEquals(ids.next(), ids.next());
  }
}
