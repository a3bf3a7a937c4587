package signup.common.grpc;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FreePortsTest {
  @Test
  void aPickedPortIsBelowTheEphemeralRangeAndCanBeListenedOn() throws Exception {
    int ephemeralStart = FreePorts.ephemeralRangeStart();
    for (int i = 0; i < 20; i++) {
      int port = FreePorts.pick();
      if (ephemeralStart > 0) {
        assertTrue(port < ephemeralStart, port + " is in the ephemeral range from "
            + ephemeralStart + ", where outgoing connections take their ports");
      }
      try (ServerSocket server = new ServerSocket()) {
        server.setReuseAddress(false);
        server.bind(new InetSocketAddress(port));
      }
    }
  }

  @Test
  void aPortSomethingListensOnIsNotPicked() throws Exception {
    try (ServerSocket held = new ServerSocket()) {
      held.bind(new InetSocketAddress(FreePorts.pick()));
      for (int i = 0; i < 500; i++) {
        assertNotEquals(held.getLocalPort(), FreePorts.pick());
      }
    }
  }
}
