package signup.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import signup.common.fault.CrashPoints;

class CrashPointSettingTest {
  @Test
  void withoutTheVariableNothingIsInjected() {
    assertSame(CrashPoints.none(), CrashPointSetting.fromEnvironment(Map.of(), "client"));
    assertSame(CrashPoints.none(),
        CrashPointSetting.fromEnvironment(Map.of("SIGNUP_CRASH_POINTS", ""), "client"));
  }

  @Test
  void theVariableEnablesTheServicesOwnPointsWithTheGivenSeed() {
    CrashPoints points = CrashPointSetting.fromEnvironment(Map.of(
        "SIGNUP_CRASH_POINTS", "orchestrator.after-trying=0.05,client.after-reserve-write=0.02",
        "SIGNUP_CRASH_SEED", "1234"), "client");

    assertEquals("client.after-reserve-write=0.02", points.toString());
    assertEquals(1234, points.seed());
  }

  @Test
  void pointsOfOtherServicesEnableNothingHere() {
    assertFalse(CrashPointSetting.fromEnvironment(
        Map.of("SIGNUP_CRASH_POINTS", "orchestrator.after-trying=1"), "subscription").enabled());
  }

  @Test
  void aBadSettingNamesTheVariable() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CrashPointSetting.fromEnvironment(
            Map.of("SIGNUP_CRASH_POINTS", "client.after-reserve-write=2"), "client"));

    assertEquals("SIGNUP_CRASH_POINTS: crash point client.after-reserve-write: probability 2 is "
        + "not between 0 and 1", e.getMessage());
  }

  @Test
  void aSeedThatIsNotANumberIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CrashPointSetting.fromEnvironment(Map.of("SIGNUP_CRASH_POINTS",
            "client.after-reserve-write=0.1", "SIGNUP_CRASH_SEED", "abc"), "client"));

    assertEquals("SIGNUP_CRASH_SEED: 'abc' is not a whole number", e.getMessage());
  }
}
