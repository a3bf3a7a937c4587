package signup.cli.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import signup.common.v1.DeviceType;
import signup.orchestrator.v1.SignupRequest;

/**
 * What one run does, drawn entirely from its seed: the sign-ups (distinct e-mails, e-mails
 * shared by several concurrent sign-ups, a few invalid ones), each with a request_id, and at
 * which sign-up the kill of which processes is queued ({@link Chaos} carries it out): one
 * service, or with replicas one replica, now and then several at once.
 */
record Workload(List<Planned> signups, Map<Integer, List<String>> killsAt) {
  static final String PASSWORD = "correct-horse-battery";
  private static final String[][] ORIGINS =
      {{"US", "IOS"}, {"US", "ANDROID"}, {"FR", "WEB"}, {"DE", "IOS"}, {"jp", "ANDROID"}};

  /** One sign-up as sent; {@code valid} false means INVALID_ARGUMENT is the only right answer. */
  record Planned(int index, SignupRequest request, boolean valid) {}

  /**
   * @param kills how many processes are killed in all
   * @param replicas of each service (see {@link #drawReplicaKills})
   */
  static Workload draw(long seed, String runName, int signups, int kills, int replicas) {
    Random random = new Random(seed);
    int sharedEmails = Math.max(4, signups / 25);
    List<Planned> planned = new ArrayList<>(signups);
    for (int i = 0; i < signups; i++) {
      double kind = random.nextDouble();
      String[] origin = ORIGINS[random.nextInt(ORIGINS.length)];
      boolean valid = kind >= 0.03;
      String email;
      if (!valid) {
        email = "invalid-" + runName + "-" + i + "@crash.example";
      } else if (kind < 0.30) {
        // Upper case on purpose: e-mails differing only in case are one client.
        email = (random.nextBoolean() ? "Shared-" : "shared-") + runName + "-"
            + random.nextInt(sharedEmails) + "@crash.example";
      } else {
        email = "user-" + runName + "-" + i + "@crash.example";
      }
      SignupRequest request = SignupRequest.newBuilder()
          .setRequestId(new UUID(random.nextLong(), random.nextLong()).toString())
          .setEmail(email)
          .setName("Crash Test " + i)
          .setPassword(PASSWORD)
          .setRegion(valid ? origin[0] : "ZZ")
          .setDevice(DeviceType.valueOf(origin[1]))
          .build();
      planned.add(new Planned(i, request, valid));
    }
    Map<Integer, List<String>> killsAt = new TreeMap<>();
    // Not in the first few sign-ups, so that every run starts with some traffic to cut into.
    int first = Math.min(signups - 1, Math.max(1, signups / 20));
    if (replicas > 1) {
      drawReplicaKills(random, first, signups, kills, replicas, killsAt);
    } else {
      while (killsAt.size() < Math.min(kills, signups - first)) {
        int at = first + random.nextInt(signups - first);
        String service = ProcessCluster.SERVICES.get(random.nextInt(3));
        killsAt.putIfAbsent(at, List.of(service));
      }
    }
    return new Workload(List.copyOf(planned), Map.copyOf(killsAt));
  }

  /**
   * Kills of replicas: mostly one random replica of a random service; now and then one replica
   * of every service at once (the system runs on the survivors) or every replica of one service
   * (that service is out until one is back); and once in every run, at a random sign-up, one of
   * every service at once, so that each service is killed at least once. None in the last
   * quarter of the sign-ups: the senders do not wait for restarts, and those sign-ups keep the
   * load on while the last kills wait for their victims to be back.
   */
  private static void drawReplicaKills(Random random, int first, int signups, int kills,
      int replicas, Map<Integer, List<String>> killsAt) {
    int last = Math.max(first + 1, signups * 3 / 4);
    int left = kills;
    while (left > 0 && killsAt.size() < last - first) {
      int at = first + random.nextInt(last - first);
      if (killsAt.containsKey(at)) {
        continue;
      }
      double kind = random.nextDouble();
      List<String> victims = new ArrayList<>();
      if (killsAt.isEmpty() || kind < 0.2) {
        for (String service : ProcessCluster.SERVICES) {
          victims.add(ProcessCluster.replicaName(service, 1 + random.nextInt(replicas),
              replicas));
        }
      } else if (kind < 0.3) {
        String service = ProcessCluster.SERVICES.get(random.nextInt(3));
        for (int n = 1; n <= replicas; n++) {
          victims.add(ProcessCluster.replicaName(service, n, replicas));
        }
      } else {
        victims.add(ProcessCluster.replicaName(ProcessCluster.SERVICES.get(random.nextInt(3)),
            1 + random.nextInt(replicas), replicas));
      }
      List<String> taken = List.copyOf(victims.subList(0, Math.min(left, victims.size())));
      killsAt.put(at, taken);
      left -= taken.size();
    }
  }
}
