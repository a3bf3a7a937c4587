package signup.common.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CrashPointsTest {
  private final List<CrashPoint> halted = new ArrayList<>();
  private final CrashPoints.Halt recorder = halted::add;

  @Test
  void aPointWithProbabilityOneHaltsEveryTimeItIsReached() {
    CrashPoints points = CrashPoints.parse("orchestrator.after-trying=1", 7, recorder);

    points.reach(CrashPoint.ORCHESTRATOR_AFTER_TRYING);
    points.reach(CrashPoint.ORCHESTRATOR_AFTER_TRYING);

    assertEquals(List.of(CrashPoint.ORCHESTRATOR_AFTER_TRYING,
        CrashPoint.ORCHESTRATOR_AFTER_TRYING), halted);
  }

  @Test
  void aPointWithProbabilityZeroNeverHalts() {
    CrashPoints points = CrashPoints.parse("client.after-reserve-write=0", 7, recorder);

    IntStream.range(0, 10_000).forEach(i -> points.reach(CrashPoint.CLIENT_AFTER_RESERVE_WRITE));

    assertTrue(halted.isEmpty());
    assertFalse(points.enabled());
  }

  @Test
  void pointsNotNamedInTheSettingNeverHalt() {
    CrashPoints points = CrashPoints.parse("orchestrator.after-trying=1", 7, recorder);

    for (CrashPoint point : CrashPoint.values()) {
      if (point != CrashPoint.ORCHESTRATOR_AFTER_TRYING) {
        points.reach(point);
      }
    }

    assertTrue(halted.isEmpty());
  }

  @Test
  void noneIsTheDefaultAndNeverHalts() {
    for (CrashPoint point : CrashPoint.values()) {
      CrashPoints.none().reach(point);
    }

    assertFalse(CrashPoints.none().enabled());
    assertEquals("", CrashPoints.none().toString());
    assertFalse(CrashPoints.parse("  ", 1, recorder).enabled());
    assertFalse(CrashPoints.parse(null, 1, recorder).enabled());
  }

  @Test
  void theSameSeedFiresAtTheSamePasses() {
    assertEquals(firings(42), firings(42));
    assertTrue(firings(42).size() > 5 && firings(42).size() < 40,
        "about 10% of 200 passes: " + firings(42).size());
  }

  private static List<Integer> firings(long seed) {
    List<Integer> fired = new ArrayList<>();
    int[] pass = {0};
    CrashPoints points = CrashPoints.parse("subscription.after-confirm-write=0.1", seed,
        point -> fired.add(pass[0]));
    for (pass[0] = 0; pass[0] < 200; pass[0]++) {
      points.reach(CrashPoint.SUBSCRIPTION_AFTER_CONFIRM_WRITE);
    }
    return fired;
  }

  @Test
  void severalPointsAreSeparatedByCommasWithSpacesAllowed() {
    CrashPoints points = CrashPoints.parse(
        " orchestrator.after-committing = 1 , subscription.after-reserve-write=0.5,", 1, recorder);

    assertEquals("orchestrator.after-committing=1.0,subscription.after-reserve-write=0.5",
        points.toString());
  }

  @Test
  void aServiceSeesOnlyItsOwnPoints() {
    CrashPoints points = CrashPoints.parse(
        "orchestrator.after-trying=0.1,client.after-confirm-write=0.2", 1, recorder);

    assertEquals("client.after-confirm-write=0.2", points.forService("client").toString());
    assertFalse(points.forService("subscription").enabled());
  }

  @Test
  void anUnknownPointIsRefusedWithTheListOfKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CrashPoints.parse("orchestrator.after-tryin=0.1", 1, recorder));

    assertEquals("unknown crash point 'orchestrator.after-tryin'; known: "
        + "orchestrator.after-trying, orchestrator.after-first-reserve, "
        + "orchestrator.after-committing, orchestrator.after-first-confirm, "
        + "client.after-reserve-write, client.after-confirm-write, "
        + "subscription.after-reserve-write, subscription.after-confirm-write", e.getMessage());
  }

  @Test
  void aProbabilityOutsideZeroToOneIsRefused() {
    assertEquals("crash point client.after-reserve-write: probability 1.5 is not between 0 and 1",
        assertThrows(IllegalArgumentException.class,
            () -> CrashPoints.parse("client.after-reserve-write=1.5", 1, recorder)).getMessage());
    assertEquals("crash point client.after-reserve-write: probability NaN is not between 0 and 1",
        assertThrows(IllegalArgumentException.class,
            () -> CrashPoints.parse("client.after-reserve-write=NaN", 1, recorder)).getMessage());
  }

  @Test
  void aProbabilityThatIsNotANumberIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CrashPoints.parse("client.after-reserve-write=often", 1, recorder));

    assertEquals("crash point client.after-reserve-write: 'often' is not a probability "
        + "(a number from 0 to 1)", e.getMessage());
  }

  @Test
  void anEntryWithoutAProbabilityIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CrashPoints.parse("client.after-reserve-write", 1, recorder));

    assertEquals("'client.after-reserve-write' is not point=probability "
        + "(e.g. orchestrator.after-trying=0.05)", e.getMessage());
  }

  @Test
  void aPointGivenTwiceIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CrashPoints.parse("client.after-reserve-write=0.1,client.after-reserve-write=1", 1,
            recorder));

    assertEquals("crash point client.after-reserve-write is given twice", e.getMessage());
  }
}
