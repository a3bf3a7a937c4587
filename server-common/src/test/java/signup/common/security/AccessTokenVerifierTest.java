package signup.common.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import signup.common.MutableClock;

/** Only tokens signed ES256 by a published key, for us, from us, and in date, get through. */
class AccessTokenVerifierTest {
  private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

  private final MutableClock clock = new MutableClock(START);
  private final ECKey key = newKey("key-1");
  private final AccessTokenIssuer issuer = new AccessTokenIssuer(clock, Duration.ofMinutes(15));
  private final AccessTokenVerifier verifier = new AccessTokenVerifier(
      kid -> Optional.ofNullable(kid.equals(key.getKeyID()) ? key.toPublicJWK() : null), clock);

  @Test
  void anIssuedTokenVerifiesAsItsClientUntilItExpires() {
    var issued = issuer.issue(key, "client-1", "ada@example.com");

    AccessToken token = verifier.verify(issued.value());

    assertEquals("client-1", token.clientId());
    assertEquals("ada@example.com", token.email());
    assertEquals("key-1", token.keyId());
    assertEquals(START.plus(Duration.ofMinutes(15)), token.expiresAt());
    assertEquals(token.expiresAt(), issued.expiresAt());
    assertFalse(issued.toString().contains(issued.value()), "the token is never printed");
  }

  @Test
  void anExpiredTokenIsRefusedOnceTheClockSkewAllowanceHasPassed() {
    var issued = issuer.issue(key, "client-1", "ada@example.com");

    clock.advance(Duration.ofMinutes(15).plusSeconds(30));
    verifier.verify(issued.value()); // within the minute of skew
    clock.advance(Duration.ofSeconds(31));

    var e = assertThrows(InvalidTokenException.class, () -> verifier.verify(issued.value()));
    assertTrue(e.getMessage().contains("Expired"), e.getMessage());
  }

  @Test
  void aTokenForAnotherAudienceIsRefused() {
    String token = signed(key, JWSAlgorithm.ES256, claims -> claims.audience("urn:other:api"));

    assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
  }

  @Test
  void aTokenFromAnotherIssuerIsRefused() {
    String token = signed(key, JWSAlgorithm.ES256, claims -> claims.issuer("urn:evil"));

    assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
  }

  @Test
  void aTokenWithoutAnExpiryIsRefused() {
    String token = signed(key, JWSAlgorithm.ES256, claims -> claims.expirationTime(null));

    assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
  }

  @Test
  void theWellFormedControlTokenOfTheseTestsIsAccepted() {
    // Without this, the refusals above could come from a mistake in how the tests sign.
    assertEquals("client-1",
        verifier.verify(signed(key, JWSAlgorithm.ES256, claims -> claims)).clientId());
  }

  @Test
  void aTokenWhosePayloadWasChangedIsRefused() {
    String[] parts = issuer.issue(key, "client-1", "ada@example.com").value().split("\\.");
    String otherPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
        new String(Base64.getUrlDecoder().decode(parts[1])).replace("client-1", "client-2")
            .getBytes());

    var e = assertThrows(InvalidTokenException.class,
        () -> verifier.verify(parts[0] + "." + otherPayload + "." + parts[2]));
    assertTrue(e.getMessage().contains("signature"), e.getMessage());
  }

  @Test
  void aTokenSignedByAnotherKeyUnderTheSameKidIsRefused() {
    String token = signed(newKey("key-1"), JWSAlgorithm.ES256, claims -> claims);

    assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
  }

  @Test
  void aTokenOfAnUnknownKidIsRefused() {
    String token = signed(newKey("key-9"), JWSAlgorithm.ES256, claims -> claims);

    assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
  }

  @Test
  void anUnsignedTokenWithAlgNoneIsRefused() {
    String token = new PlainJWT(new PlainHeader.Builder().type(AccessTokens.TYPE).build(),
        claims(b -> b)).serialize();

    assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
  }

  @Test
  void anHs256TokenUsingThePublicKeyAsItsSecretIsRefused() throws Exception {
    // The classic confusion: a verifier that let the header choose the algorithm would check
    // this HMAC with the public key, which the attacker knows, as the secret.
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
        .type(AccessTokens.TYPE).keyID("key-1").build(), claims(b -> b));
    jwt.sign(new MACSigner(key.toECPublicKey().getEncoded()));

    assertThrows(InvalidTokenException.class, () -> verifier.verify(jwt.serialize()));
  }

  @Test
  void aSignedJwtOfAnotherTypeIsRefused() throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
        .type(JOSEObjectType.JWT).keyID("key-1").build(), claims(b -> b));
    jwt.sign(new ECDSASigner(key));

    assertThrows(InvalidTokenException.class, () -> verifier.verify(jwt.serialize()));
  }

  @Test
  void somethingThatIsNotAJwtIsRefusedWithoutEchoingIt() {
    var e = assertThrows(InvalidTokenException.class,
        () -> verifier.verify("not-a-token-secret-xyz"));

    assertFalse(e.getMessage().contains("secret-xyz"), e.getMessage());
  }

  @Test
  void aLifetimeOverADayIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> new AccessTokenIssuer(clock, Duration.ofHours(25)));
    assertThrows(IllegalArgumentException.class,
        () -> new AccessTokenIssuer(clock, Duration.ZERO));
  }

  private String signed(ECKey signingKey, JWSAlgorithm algorithm,
      UnaryOperator<JWTClaimsSet.Builder> change) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(AccessTokens.TYPE)
          .keyID(signingKey.getKeyID()).build(), claims(change));
      jwt.sign(new ECDSASigner(signingKey));
      return jwt.serialize();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private JWTClaimsSet claims(UnaryOperator<JWTClaimsSet.Builder> change) {
    return change.apply(new JWTClaimsSet.Builder()
        .issuer(AccessTokens.ISSUER)
        .audience(AccessTokens.AUDIENCE)
        .subject("client-1")
        .claim(AccessTokens.EMAIL_CLAIM, "ada@example.com")
        .issueTime(Date.from(START))
        .expirationTime(Date.from(START.plus(Duration.ofMinutes(15))))).build();
  }

  static ECKey newKey(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
