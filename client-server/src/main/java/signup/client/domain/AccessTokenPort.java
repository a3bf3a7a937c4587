package signup.client.domain;

/** Signs an access token for a client who has just proven who they are. */
@FunctionalInterface
public interface AccessTokenPort {
  AccessGrant issue(String clientId, String email);
}
