package signup.common.grpc;

import io.grpc.Attributes;
import io.grpc.ChannelCredentials;
import io.grpc.EquivalentAddressGroup;
import io.grpc.Grpc;
import io.grpc.ManagedChannelBuilder;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The gRPC targets a server or the CLI is given: one {@code host:port} as always, or several
 * replicas of a service, as a comma-separated {@code host:port,host:port} list or a
 * {@code dns:///name:port} name with one address per replica. Several are called in turn
 * (round robin), each watched by gRPC's client-side health checking, so that a replica that is
 * down or reports NOT_SERVING (its database lost, its disk full, draining) leaves the rotation
 * at once and comes back when it reports SERVING again.
 *
 * <p>The list is resolved by a small {@link NameResolver} of our own (as grpc-java's
 * {@code examples/nameresolve} shows), given to each channel that needs it rather than
 * registered globally; {@code dns:///} is gRPC's own resolver.
 */
public final class Targets {
  static final String LIST_SCHEME = "signup-addresses";
  /** Round robin over the resolved addresses, each health-checked (service "" = the server). */
  static final Map<String, ?> SPREAD = Map.of(
      "loadBalancingConfig", List.of(Map.of("round_robin", Map.of())),
      "healthCheckConfig", Map.of("serviceName", ""));

  private Targets() {}

  /**
   * A channel builder for {@code target}, with round robin and health checking when it names
   * several replicas.
   *
   * @throws IllegalArgumentException when a list's entry is not {@code host:port}
   */
  public static ManagedChannelBuilder<?> channelBuilder(String target,
      ChannelCredentials credentials) {
    String trimmed = target.strip();
    if (isList(trimmed)) {
      List<InetSocketAddress> addresses = parseList(trimmed);
      return Grpc.newChannelBuilder(LIST_SCHEME + ":///" + trimmed, credentials)
          .nameResolverFactory(new ListResolverProvider(addresses))
          .defaultServiceConfig(SPREAD);
    }
    ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(trimmed, credentials);
    return trimmed.startsWith("dns:") ? builder.defaultServiceConfig(SPREAD) : builder;
  }

  /** Whether {@code target} names several replicas, to be spread over. */
  public static boolean spreads(String target) {
    return isList(target.strip()) || target.strip().startsWith("dns:");
  }

  /**
   * Checks a target as an option's value: a comma list must hold {@code host:port} entries.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static void check(String target) {
    String trimmed = target.strip();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("is empty");
    }
    if (isList(trimmed)) {
      parseList(trimmed);
    }
  }

  private static boolean isList(String target) {
    return target.contains(",");
  }

  /** Unresolved addresses: each is looked up when its connection is made, and again later. */
  static List<InetSocketAddress> parseList(String target) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String entry : target.split(",", -1)) {
      String hostPort = entry.strip();
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0 || colon == hostPort.length() - 1) {
        throw new IllegalArgumentException("'" + hostPort + "' in a list of addresses is not "
            + "host:port");
      }
      String host = hostPort.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1); // [::1]:50051
      }
      int port;
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("'" + hostPort + "' in a list of addresses has no "
            + "port 1-65535");
      }
      addresses.add(InetSocketAddress.createUnresolved(host, port));
    }
    return List.copyOf(addresses);
  }

  /** Resolves the list once per start or refresh; each entry is its own replica. */
  private static final class ListResolverProvider extends NameResolverProvider {
    private final List<InetSocketAddress> addresses;

    ListResolverProvider(List<InetSocketAddress> addresses) {
      this.addresses = addresses;
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
      if (!LIST_SCHEME.equals(targetUri.getScheme())) {
        return null;
      }
      return new NameResolver() {
        private Listener2 listener;

        @Override
        public String getServiceAuthority() {
          InetSocketAddress first = addresses.get(0);
          return first.getHostString() + ":" + first.getPort();
        }

        @Override
        public void start(Listener2 listener) {
          this.listener = listener;
          resolve();
        }

        @Override
        public void refresh() {
          resolve();
        }

        private void resolve() {
          List<EquivalentAddressGroup> groups = new ArrayList<>();
          for (InetSocketAddress address : addresses) {
            // Looked up now (and at every refresh, which gRPC asks for when a connection
            // fails), so a replica that moved is found again.
            InetSocketAddress resolved =
                new InetSocketAddress(address.getHostString(), address.getPort());
            if (resolved.isUnresolved()) {
              continue;
            }
            // Each replica's own name for TLS: its certificate need not name the others.
            groups.add(new EquivalentAddressGroup(List.<SocketAddress>of(resolved),
                Attributes.newBuilder().set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE,
                    address.getHostString() + ":" + address.getPort()).build()));
          }
          if (groups.isEmpty()) {
            listener.onError(Status.UNAVAILABLE.withDescription(
                "none of the addresses " + addresses + " could be resolved"));
            return;
          }
          listener.onResult(ResolutionResult.newBuilder().setAddressesOrError(
              io.grpc.StatusOr.fromValue(groups)).build());
        }

        @Override
        public void shutdown() {
        }
      };
    }

    @Override
    public String getDefaultScheme() {
      return LIST_SCHEME;
    }

    @Override
    protected boolean isAvailable() {
      return true;
    }

    @Override
    protected int priority() {
      return 5;
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
      return List.of(InetSocketAddress.class);
    }
  }
}
