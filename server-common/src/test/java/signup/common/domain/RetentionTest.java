package signup.common.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetentionTest {
  @Test
  void recordsFinishedBeforeNowMinusThePeriodMayGo() {
    Instant now = Instant.parse("2030-01-08T00:00:00Z");

    assertEquals(Instant.parse("2030-01-01T00:00:00Z"), Retention.DEFAULT.cutoff(now));
  }

  @Test
  void purgesRunEveryTenthOfThePeriodButAtLeastEveryFiveMinutes() {
    assertEquals(Duration.ofMillis(200), new Retention(Duration.ofSeconds(2)).purgeInterval());
    assertEquals(Duration.ofMinutes(5), Retention.DEFAULT.purgeInterval());
  }

  @Test
  void aRetentionShorterThanTheProtocolNeedsIsRefusedNamingBoth() {
    Retention shortOne = new Retention(Duration.ofSeconds(10));

    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> shortOne.requireAtLeast(Duration.ofSeconds(35)));

    assertEquals("retention PT10S is shorter than the protocol needs: at least PT35S",
        refused.getMessage());
    assertEquals(shortOne, shortOne.requireAtLeast(Duration.ofSeconds(10)));
  }

  @Test
  void aRetentionMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new Retention(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new Retention(Duration.ofSeconds(-1)));
  }

  @Test
  void aParticipantNeedsItsReservationTtlAndASweepIntervalAtLeast() {
    assertEquals(Duration.ofSeconds(35), ParticipantSettings.DEFAULTS.minimumRetention());
  }
}
