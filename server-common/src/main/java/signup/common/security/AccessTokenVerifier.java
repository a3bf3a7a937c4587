package signup.common.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.security.Key;
import java.text.ParseException;
import java.time.InstantSource;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Checks an access token the way every server must: a signed JWT (never {@code alg: none},
 * never encrypted) of type {@code at+jwt}, signed with {@link AccessTokens#ALGORITHM} only (so a
 * token "signed" with HS256 and the public key as its secret is refused) by a key the issuer
 * publishes under the token's {@code kid}; issued by {@link AccessTokens#ISSUER} for
 * {@link AccessTokens#AUDIENCE}; with {@code sub}, {@code email}, {@code iat} and {@code exp},
 * and not expired (a minute of clock skew is allowed, as nimbus-jose-jwt does by default).
 */
public final class AccessTokenVerifier {
  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

  public AccessTokenVerifier(PublicKeys keys, InstantSource clock) {
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(AccessTokens.TYPE));
    processor.setJWSKeySelector(keySelector(keys));
    processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(AccessTokens.AUDIENCE,
        new JWTClaimsSet.Builder().issuer(AccessTokens.ISSUER).build(),
        Set.of("sub", "iat", "exp", AccessTokens.EMAIL_CLAIM)) {
      @Override
      protected Date currentTime() {
        return Date.from(clock.instant());
      }
    });
  }

  /**
   * The token's subject and expiry, once everything above holds.
   *
   * @throws InvalidTokenException saying what is wrong (never echoing the token)
   * @throws KeysUnavailableException when the issuer's keys cannot be had right now
   */
  public AccessToken verify(String token) {
    JWTClaimsSet claims;
    String keyId;
    try {
      var jwt = com.nimbusds.jwt.SignedJWT.parse(token);
      keyId = jwt.getHeader().getKeyID();
      claims = processor.process(jwt, null);
    } catch (ParseException e) {
      throw new InvalidTokenException("not a signed JWT");
    } catch (BadJOSEException | JOSEException e) {
      throw new InvalidTokenException(reason(e.getMessage()));
    }
    try {
      String email = claims.getStringClaim(AccessTokens.EMAIL_CLAIM);
      return new AccessToken(claims.getSubject(), email, keyId,
          claims.getExpirationTime().toInstant());
    } catch (ParseException e) {
      throw new InvalidTokenException("the email claim is not a string");
    }
  }

  private static JWSKeySelector<SecurityContext> keySelector(PublicKeys keys) {
    return (header, context) -> {
      if (!AccessTokens.ALGORITHM.equals(header.getAlgorithm()) || header.getKeyID() == null) {
        return List.of();
      }
      var key = keys.find(header.getKeyID());
      if (key.isEmpty()) {
        return List.of();
      }
      try {
        return List.<Key>of(key.get().toECPublicKey());
      } catch (JOSEException e) {
        return List.of();
      }
    };
  }

  /** nimbus's reason, short and printable: it may quote claims, which the caller chose. */
  private static String reason(String message) {
    String text = message == null ? "rejected" : message;
    if (text.length() > 160) {
      text = text.substring(0, 160) + "...";
    }
    return text.codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }
}
