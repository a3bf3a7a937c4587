package signup.common.security;

import io.grpc.Context;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The network address a call came from, for the methods whose rule asks for it (the log-in
 * throttle counts failures per address). Only the host: a client's port changes per connection.
 */
public final class CallerAddress {
  static final Context.Key<String> KEY = Context.key("signup-caller-address");

  private CallerAddress() {}

  /** The current call's address, or "unknown" outside a call that asked for it. */
  public static String current() {
    String address = KEY.get();
    return address == null ? "unknown" : address;
  }

  static String of(SocketAddress remote) {
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return remote == null ? "unknown" : remote.toString();
  }
}
