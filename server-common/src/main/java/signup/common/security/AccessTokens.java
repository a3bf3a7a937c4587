package signup.common.security;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;

/**
 * What every service agrees on about access tokens: who issues them, for whom, how they are
 * signed and what their type header says. client-server signs them; every server verifies them
 * with {@link AccessTokenVerifier}.
 */
public final class AccessTokens {
  /** The {@code iss} claim: client-server, which logs clients in. */
  public static final String ISSUER = "urn:signup:client-server";
  /** The {@code aud} claim: the public API of the three services. */
  public static final String AUDIENCE = "urn:signup:api";
  /**
   * ES256 (ECDSA on P-256 with SHA-256): the JDK signs and verifies it alone. EdDSA would need
   * Google Tink beside nimbus-jose-jwt, a dependency for no gain here.
   */
  public static final JWSAlgorithm ALGORITHM = JWSAlgorithm.ES256;
  /** RFC 9068's type of a JWT access token, so no other kind of JWT passes for one. */
  public static final JOSEObjectType TYPE = new JOSEObjectType("at+jwt");
  /** The client's normalised e-mail, for {@code GetClientByEmail} of one's own address. */
  public static final String EMAIL_CLAIM = "email";

  private AccessTokens() {}
}
