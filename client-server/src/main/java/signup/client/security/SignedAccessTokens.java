package signup.client.security;

import signup.client.domain.AccessGrant;
import signup.client.domain.AccessTokenPort;
import signup.common.security.AccessTokenIssuer;
import signup.common.security.AccessTokenIssuer.IssuedToken;

/** Access tokens signed with the current signing key. */
public final class SignedAccessTokens implements AccessTokenPort {
  private final SigningKeys keys;
  private final AccessTokenIssuer issuer;

  public SignedAccessTokens(SigningKeys keys, AccessTokenIssuer issuer) {
    this.keys = keys;
    this.issuer = issuer;
  }

  @Override
  public AccessGrant issue(String clientId, String email) {
    IssuedToken token = issuer.issue(keys.current(), clientId, email);
    return new AccessGrant(clientId, token.value(), token.expiresAt());
  }
}
