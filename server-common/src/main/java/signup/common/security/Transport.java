package signup.common.security;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.grpc.ConnectionPolicy;
import signup.common.grpc.Targets;

/**
 * How a server listens and how it calls its peers: plaintext or TLS (optionally mutual), the
 * internal token that guards the internal services (reserve, confirm, cancel, resolve) through
 * the {@link Authorizer}, and the limits on the connections the server holds.
 *
 * @param tls null for plaintext
 * @param connections for the servers' {@link signup.common.grpc.GrpcServerHost}
 */
public record Transport(InternalToken token, TlsFiles tls, ConnectionPolicy connections) {
  private static final Logger log = LoggerFactory.getLogger(Transport.class);
  private static final Metadata.Key<String> AUTHORIZATION = Authorizer.AUTHORIZATION;
  private static final String BEARER = "Bearer ";

  public Transport {
    if (connections == null) {
      throw new IllegalArgumentException("a connection policy is required");
    }
  }

  /** With the {@link ConnectionPolicy#DEFAULTS default connection policy}. */
  public Transport(InternalToken token, TlsFiles tls) {
    this(token, tls, ConnectionPolicy.DEFAULTS);
  }

  public static Transport plaintext(InternalToken token) {
    return new Transport(token, null);
  }

  public Transport withConnections(ConnectionPolicy policy) {
    return new Transport(token, tls, policy);
  }

  /**
   * The embedded default: plaintext, with the token of {@code dataDir} (created if missing) or
   * of the environment.
   */
  public static Transport embeddedDefault(Path dataDir) {
    return plaintext(InternalToken.load(System.getenv(),
        dataDir.toAbsolutePath().resolve(InternalToken.FILE_NAME)));
  }

  /** A server builder on {@code bind:port}, with TLS when configured. */
  public ServerBuilder<?> serverBuilder(String bind, int port) {
    InetSocketAddress address = new InetSocketAddress(bind, port);
    if (tls == null && !address.getAddress().isLoopbackAddress()) {
      log.warn("listening on {} in plaintext: anyone on the network can read the traffic, "
          + "passwords included; use --tls-cert and --tls-key", bind);
    }
    return NettyServerBuilder.forAddress(address, serverCredentials());
  }

  /**
   * A channel to a peer, with TLS when configured (and this server's certificate if mutual);
   * spread over the peer's replicas when {@code target} names several ({@link Targets}).
   */
  public ManagedChannel channel(String target) {
    return Targets.channelBuilder(target, channelCredentials()).build();
  }

  /**
   * The interceptor that enforces {@link AccessPolicy#standard()} on a server's services: the
   * internal token for the internal services, access tokens checked by {@code verifier} for the
   * public ones that touch one client's data.
   */
  public Authorizer authorizer(AccessTokenVerifier verifier) {
    return new Authorizer(AccessPolicy.standard(), token, verifier);
  }

  /** A channel whose calls carry the internal token, for calls to internal services. */
  public Channel authenticated(Channel channel) {
    String header = BEARER + token.value();
    return ClientInterceptors.intercept(channel, new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
          CallOptions options, Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            headers.put(AUTHORIZATION, header);
            super.start(listener, headers);
          }
        };
      }
    });
  }

  private ServerCredentials serverCredentials() {
    if (tls == null) {
      return InsecureServerCredentials.create();
    }
    try {
      TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder()
          .keyManager(tls.certificate().toFile(), tls.privateKey().toFile());
      if (tls.mutual()) {
        builder.trustManager(tls.trustedCa().toFile())
            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the TLS certificate or key: " + e.getMessage(),
          e);
    }
  }

  private ChannelCredentials channelCredentials() {
    if (tls == null) {
      return InsecureChannelCredentials.create();
    }
    try {
      TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
      if (tls.trustedCa() != null) {
        builder.trustManager(tls.trustedCa().toFile());
      }
      if (tls.mutual()) {
        builder.keyManager(tls.certificate().toFile(), tls.privateKey().toFile());
      }
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the TLS files: " + e.getMessage(), e);
    }
  }
}
