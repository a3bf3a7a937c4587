package signup.common.security;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.Executor;

/**
 * Call credentials that send {@code authorization: Bearer <token>}, for a client holding an
 * access token: {@code stub.withCallCredentials(new BearerToken(token))}. Never prints the token.
 */
public final class BearerToken extends CallCredentials {
  private final String token;

  public BearerToken(String token) {
    this.token = token;
  }

  @Override
  public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor,
      MetadataApplier applier) {
    try {
      Metadata headers = new Metadata();
      headers.put(Authorizer.AUTHORIZATION, "Bearer " + token);
      applier.apply(headers);
    } catch (RuntimeException e) {
      applier.fail(Status.UNAUTHENTICATED.withDescription("cannot attach the access token"));
    }
  }

  @Override
  public String toString() {
    return "BearerToken[redacted]";
  }
}
