package signup.common.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A free TCP port for a server that must know its port before it starts (its peers are told
 * it first): {@code up}'s port 0, the benchmark's and the tests' servers.
 *
 * <p>Not the port the kernel hands a socket bound to port 0: that comes from the ephemeral
 * range, the same range every outgoing connection takes its local port from, so between the
 * probe and the server's bind any connection this machine opens may take it (seen in CI as
 * "address already in use"). This picks a port below the ephemeral range, where no outgoing
 * connection lands, and checks that nothing listens there. Where the range cannot be read (not
 * Linux), the kernel's choice is used.
 */
public final class FreePorts {
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  /** Below this, ports of well-known services crowd; above it, up to the ephemeral range. */
  private static final int LOWEST = 10_000;
  private static final int ATTEMPTS = 100;

  private FreePorts() {}

  /** A port nothing listens on now, outside the ephemeral range where one can be told. */
  public static int pick() {
    int ephemeralStart = ephemeralRangeStart();
    if (ephemeralStart > LOWEST + 1_000) {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralStart);
        if (free(port)) {
          return port;
        }
      }
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      // As a server binds: on every address, without SO_REUSEADDR's leniency.
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of the kernel's ephemeral range; 0 when it cannot be read. */
  static int ephemeralRangeStart() {
    try {
      // readAllLines, not readString: /proc files claim a size of 0, and readString trusts it.
      String[] range = Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+");
      return Integer.parseInt(range[0]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
