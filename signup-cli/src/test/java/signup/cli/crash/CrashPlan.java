package signup.cli.crash;

import java.util.List;
import java.util.Map;

/** Which crash points (a SIGNUP_CRASH_POINTS setting) each life of each service runs with. */
@FunctionalInterface
interface CrashPlan {
  CrashPlan NONE = (service, life) -> "";

  /** @param life 1 for the first process of {@code service}, 2 after its first restart, ... */
  String forLife(String service, int life);

  /** The same setting in every life of every service. */
  static CrashPlan always(String setting) {
    return (service, life) -> setting;
  }

  /** Life n of a service gets the n-th setting of its list; later lives get none. */
  static CrashPlan perLife(Map<String, List<String>> settings) {
    return (service, life) -> {
      List<String> lives = settings.getOrDefault(service, List.of());
      return life <= lives.size() ? lives.get(life - 1) : "";
    };
  }
}
