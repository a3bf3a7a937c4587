package signup.client.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.client.security.SigningKeyStore.StoredKey;
import signup.common.security.AccessTokens;

/**
 * The keys that sign access tokens: made at first start, kept in the store, replaced when the
 * newest is older than {@code maxAge}. The newest signs; every key stays published (and so
 * keeps verifying) until the tokens it signed have expired: for {@code tokenTtl} plus
 * {@link #SLACK} after its successor was made, then it is deleted.
 *
 * <p>The key to sign with is read again from the store at most every {@link #REREAD} so that
 * the replicas sharing the store follow one another's rotations; {@link #SLACK} covers that
 * delay and the verifiers' minute of clock skew.
 */
public final class SigningKeys {
  private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
  static final Duration REREAD = Duration.ofSeconds(30);
  static final Duration SLACK = Duration.ofMinutes(2);

  private final SigningKeyStore store;
  private final InstantSource clock;
  private final Duration maxAge;
  private final Duration tokenTtl;
  private Current current;

  private record Current(ECKey key, Instant createdAt, Instant readAt) {}

  public SigningKeys(SigningKeyStore store, InstantSource clock, Duration maxAge,
      Duration tokenTtl) {
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("the signing key's maximum age must be positive");
    }
    this.store = store;
    this.clock = clock;
    this.maxAge = maxAge;
    this.tokenTtl = tokenTtl;
  }

  /** The private key to sign with now; makes one when there is none or the newest is too old. */
  public synchronized ECKey current() {
    Instant now = clock.instant();
    if (current != null && now.isBefore(current.readAt().plus(REREAD))
        && now.isBefore(current.createdAt().plus(maxAge))) {
      return current.key();
    }
    List<StoredKey> keys = store.all();
    StoredKey newest = keys.isEmpty() ? null : keys.get(keys.size() - 1);
    if (newest == null || !now.isBefore(newest.createdAt().plus(maxAge))) {
      store.addIfNewestBefore(generate(now), now.minus(maxAge), now.minus(tokenTtl.plus(SLACK)));
      keys = store.all();
      newest = keys.get(keys.size() - 1);
      log.info("token signing key {} in use (keys kept: {})", newest.keyId(), keys.size());
    }
    current = new Current(parse(newest), newest.createdAt(), now);
    return current.key();
  }

  /** The public keys to publish: the newest and those whose tokens may not have expired. */
  public JWKSet published() {
    Instant now = clock.instant();
    List<StoredKey> keys = store.all();
    List<JWK> published = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      boolean newest = i == keys.size() - 1;
      if (newest || now.isBefore(keys.get(i + 1).createdAt().plus(tokenTtl).plus(SLACK))) {
        published.add(parse(keys.get(i)).toPublicJWK());
      }
    }
    return new JWKSet(published);
  }

  private static StoredKey generate(Instant now) {
    try {
      ECKey key = new ECKeyGenerator(Curve.P_256)
          .keyID(UUID.randomUUID().toString())
          .algorithm(AccessTokens.ALGORITHM)
          .keyUse(KeyUse.SIGNATURE)
          .generate();
      return new StoredKey(key.getKeyID(), key.toJSONString(), now);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an EC P-256 key", e);
    }
  }

  private static ECKey parse(StoredKey stored) {
    try {
      return ECKey.parse(stored.privateJwk());
    } catch (ParseException e) {
      // Never the JWK itself in the message: it holds the private key.
      throw new IllegalStateException("signing key " + stored.keyId() + " in the store is not "
          + "a valid EC JSON Web Key");
    }
  }
}
