package signup.common.grpc;

import com.nimbusds.jose.jwk.JWKSet;
import io.grpc.Channel;
import java.text.ParseException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import signup.client.v1.ClientServiceGrpc;
import signup.client.v1.GetPublicKeysRequest;
import signup.common.security.AccessTokenVerifier;
import signup.common.security.CachedPublicKeys;

/** Fetches client-server's public keys (its {@code GetPublicKeys}), for the verifying side. */
public final class PublicKeysClient implements CachedPublicKeys.Source {
  /** A token with an unknown kid makes at most one call per second to client-server. */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  /** Keys held longer than this are fetched again, so that retired ones drop out. */
  public static final Duration MAX_AGE = Duration.ofMinutes(5);

  private final Channel channel;
  private final Duration deadline;

  public PublicKeysClient(Channel clientServer, Duration deadline) {
    this.channel = clientServer;
    this.deadline = deadline;
  }

  /** A verifier of access tokens against client-server's keys, fetched through this client. */
  public static AccessTokenVerifier verifier(Channel clientServer, Duration deadline,
      InstantSource clock) {
    return new AccessTokenVerifier(new CachedPublicKeys(
        new PublicKeysClient(clientServer, deadline), MIN_INTERVAL, MAX_AGE), clock);
  }

  @Override
  public JWKSet fetch() {
    String jwks = ClientServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .getPublicKeys(GetPublicKeysRequest.getDefaultInstance())
        .getJwks();
    try {
      return JWKSet.parse(jwks);
    } catch (ParseException e) {
      throw new IllegalStateException("client-server's public keys are not a JWK set: "
          + e.getMessage(), e);
    }
  }
}
