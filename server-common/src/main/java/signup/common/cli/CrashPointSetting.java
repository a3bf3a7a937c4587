package signup.common.cli;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.fault.CrashPoints;

/**
 * Reads fault injection from the environment at start-up. Only the crash tests set it; no flag
 * exposes it, so it cannot be switched on by a mistyped option, and it is logged loudly when on.
 */
public final class CrashPointSetting {
  private static final Logger log = LoggerFactory.getLogger(CrashPointSetting.class);
  /** e.g. {@code orchestrator.after-trying=0.05,client.after-reserve-write=0.02}. */
  public static final String VARIABLE = "SIGNUP_CRASH_POINTS";
  /** Optional: a long that fixes the sequence of draws. */
  public static final String SEED_VARIABLE = "SIGNUP_CRASH_SEED";

  private CrashPointSetting() {}

  /**
   * The crash points of {@code service} (orchestrator, client or subscription) that {@code env}
   * sets, halting the JVM when one fires; {@link CrashPoints#none()} when unset.
   *
   * @throws IllegalArgumentException with a message naming the variable and what is wrong
   */
  public static CrashPoints fromEnvironment(Map<String, String> env, String service) {
    String setting = env.get(VARIABLE);
    if (setting == null || setting.isBlank()) {
      return CrashPoints.none();
    }
    long seed = seed(env.get(SEED_VARIABLE));
    CrashPoints all;
    try {
      all = CrashPoints.parse(setting, seed, CrashPoints.Halt.JVM);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(VARIABLE + ": " + e.getMessage(), e);
    }
    CrashPoints own = all.forService(service);
    if (own.enabled()) {
      log.warn("FAULT INJECTION IS ON ({}): this {} process will halt itself, as kill -9 "
          + "would, at crash points {} (seed {}). For crash tests only; never in production.",
          VARIABLE, service, own, seed);
    } else {
      log.warn("{} is set but enables no crash point of the {}; nothing will be injected here",
          VARIABLE, service);
    }
    return own;
  }

  private static long seed(String text) {
    if (text == null || text.isBlank()) {
      return ThreadLocalRandom.current().nextLong();
    }
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(SEED_VARIABLE + ": '" + text + "' is not a whole number",
          e);
    }
  }
}
