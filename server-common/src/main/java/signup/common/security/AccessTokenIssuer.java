package signup.common.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.UUID;

/**
 * Signs access tokens in the form {@link AccessTokenVerifier} accepts: header {@code alg}
 * ES256, {@code typ} at+jwt and the signing key's {@code kid}; claims {@code iss}, {@code aud},
 * {@code sub} (the client_id), {@code email}, {@code iat}, {@code exp} and a random {@code jti}.
 */
public final class AccessTokenIssuer {
  /** The longest lifetime allowed: an access token cannot be revoked, only outlived. */
  public static final Duration MAX_TTL = Duration.ofHours(24);

  private final InstantSource clock;
  private final Duration ttl;

  public AccessTokenIssuer(InstantSource clock, Duration ttl) {
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("the access token lifetime must be between 1 second "
          + "and " + MAX_TTL.toHours() + " hours, not " + ttl);
    }
    this.clock = clock;
    this.ttl = ttl;
  }

  public Duration ttl() {
    return ttl;
  }

  /** A token for {@code clientId}, signed with {@code key} (a private EC P-256 key with a kid). */
  public IssuedToken issue(ECKey key, String clientId, String email) {
    // JWT times are whole seconds: the expiry reported is the one in the token.
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant expiresAt = now.plus(ttl);
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(AccessTokens.ISSUER)
        .audience(AccessTokens.AUDIENCE)
        .subject(clientId)
        .claim(AccessTokens.EMAIL_CLAIM, email)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(expiresAt))
        .jwtID(UUID.randomUUID().toString())
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(AccessTokens.ALGORITHM)
        .type(AccessTokens.TYPE)
        .keyID(key.getKeyID())
        .build(), claims);
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an access token with key " + key.getKeyID(),
          e);
    }
    return new IssuedToken(jwt.serialize(), expiresAt, key.getKeyID());
  }

  /** A signed token; {@link #toString()} leaves the token out, so it cannot reach a log. */
  public record IssuedToken(String value, Instant expiresAt, String keyId) {
    @Override
    public String toString() {
      return "IssuedToken[kid=" + keyId + ", expiresAt=" + expiresAt + "]";
    }
  }
}
