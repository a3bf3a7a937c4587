package signup.common.store;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Names for the processes sharing a PostgreSQL database: host, process id and a random part, so
 * that a person reading a claim ({@code claimed_by}) knows which machine holds it, and two
 * processes (or two starts of one) never share a name.
 */
final class ReplicaNames {
  private ReplicaNames() {}

  static String next() {
    byte[] random = new byte[3];
    ThreadLocalRandom.current().nextBytes(random);
    return host() + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
  }

  private static String host() {
    String fromEnvironment = System.getenv("HOSTNAME");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment.strip();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }
}
