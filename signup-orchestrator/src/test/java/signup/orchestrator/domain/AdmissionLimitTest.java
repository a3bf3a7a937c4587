package signup.orchestrator.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AdmissionLimitTest {
  private static final long SLOW = 1_000_000_000L;
  private static final long QUICK = 50_000_000L;
  private static final long SLOWER = 1_500_000_000L;

  private final AdmissionLimit limit = new AdmissionLimit(256, SLOW);

  @Test
  void quickSignupsKeepTheLimitAtTheMaximum() {
    finish(1_000, QUICK);

    assertEquals(256, limit.current());
  }

  @Test
  void threeSlowSignupsAdmittedSinceTheLastCutCutTheLimitByAQuarter() {
    finish(2, SLOWER);
    assertEquals(256, limit.current(), "two could be a stall");

    finish(1, SLOWER);

    assertEquals(192, limit.current());
  }

  @Test
  void slowSignupsAdmittedBeforeTheLastCutDoNotCutAgain() {
    long before = limit.cuts();
    finish(3, SLOWER);

    // The backlog admitted before the cut drains, slow: already answered by the cut.
    for (int i = 0; i < 100; i++) {
      limit.finished(before, SLOWER, false);
    }

    assertEquals(192, limit.current());
    finish(3, SLOWER);
    assertEquals(144, limit.current(), "those admitted since the cut are still slow");
  }

  @Test
  void aParticipantRefusingForOverloadCutsLikeASlowSignup() {
    for (int i = 0; i < 3; i++) {
      limit.finished(limit.cuts(), QUICK, true);
    }

    assertEquals(192, limit.current());
  }

  @Test
  void theLimitIsNeverCutBelowTheFloor() {
    finish(300, SLOWER);

    assertEquals(AdmissionLimit.FLOOR, limit.current());
  }

  @Test
  void quickSignupsGrowTheLimitBackByOneForEachRoundOfThem() {
    finish(3, SLOWER);
    assertEquals(192, limit.current());

    finish(191, QUICK);
    assertEquals(192, limit.current());
    finish(1, QUICK);
    assertEquals(193, limit.current());
    finish(193, QUICK);
    assertEquals(194, limit.current());
  }

  @Test
  void withoutATargetTheLimitStaysAtTheMaximumHoweverSlow() {
    AdmissionLimit fixed = new AdmissionLimit(256, 0);

    for (int i = 0; i < 100; i++) {
      fixed.finished(fixed.cuts(), SLOWER, true);
    }

    assertEquals(256, fixed.current());
  }

  @Test
  void aMaximumUnderTheFloorIsItsOwnFloor() {
    AdmissionLimit small = new AdmissionLimit(4, SLOW);

    for (int i = 0; i < 30; i++) {
      small.finished(small.cuts(), SLOWER, false);
    }

    assertEquals(4, small.current());
  }

  @Test
  void theTypicalTimeOfASignupFollowsTheRecentOnes() {
    assertEquals(0, limit.typicalNanos(), "none yet");
    finish(1, QUICK);
    assertEquals(QUICK, limit.typicalNanos());

    finish(200, SLOWER);

    assertEquals(SLOWER, limit.typicalNanos(), SLOWER / 100.0);
  }

  /** {@code count} sign-ups admitted now, each taking {@code nanos}. */
  private void finish(int count, long nanos) {
    for (int i = 0; i < count; i++) {
      limit.finished(limit.cuts(), nanos, false);
    }
  }
}
