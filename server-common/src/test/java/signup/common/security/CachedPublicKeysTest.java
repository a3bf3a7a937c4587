package signup.common.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The verifiers' copy of the issuer's keys: fetched when a kid is new, at a bounded rate. */
class CachedPublicKeysTest {
  private final List<JWK> published = new CopyOnWriteArrayList<>();
  private final AtomicInteger fetched = new AtomicInteger();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private CachedPublicKeys keys(Duration minInterval, Duration maxAge) {
    return new CachedPublicKeys(() -> {
      fetched.incrementAndGet();
      return new JWKSet(List.copyOf(published));
    }, minInterval, maxAge, nanos::get);
  }

  @Test
  void aKeyPublishedAfterTheFirstFetchIsFoundByFetchingAgain() {
    ECKey first = AccessTokenVerifierTest.newKey("k1");
    published.add(first);
    CachedPublicKeys keys = keys(Duration.ZERO, Duration.ofMinutes(5));
    assertEquals(first.toPublicJWK(), keys.find("k1").orElseThrow());

    ECKey second = AccessTokenVerifierTest.newKey("k2");
    published.add(second);

    assertEquals(second.toPublicJWK(), keys.find("k2").orElseThrow());
    assertEquals(2, fetched.get());
    keys.find("k1");
    assertEquals(2, fetched.get(), "a known key costs no fetch");
    assertFalse(keys.find("k1").orElseThrow().isPrivate(), "public parts only");
  }

  @Test
  void madeUpKidsCostAtMostOneFetchPerInterval() {
    published.add(AccessTokenVerifierTest.newKey("k1"));
    // Real time here: the waits between fetches are what is measured.
    CachedPublicKeys keys = new CachedPublicKeys(() -> {
      fetched.incrementAndGet();
      return new JWKSet(List.copyOf(published));
    }, Duration.ofMillis(200), Duration.ofMinutes(5));

    long start = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      assertTrue(keys.find("made-up-" + i).isEmpty());
    }
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertEquals(3, fetched.get());
    assertTrue(elapsedMillis >= 400, "three fetches take two intervals: " + elapsedMillis);
  }

  @Test
  void aFailedFetchKeepsTheKeysAlreadyHeld() {
    ECKey first = AccessTokenVerifierTest.newKey("k1");
    published.add(first);
    boolean[] down = {false};
    CachedPublicKeys keys = new CachedPublicKeys(() -> {
      if (down[0]) {
        throw new IllegalStateException("client-server unreachable");
      }
      return new JWKSet(List.copyOf(published));
    }, Duration.ZERO, Duration.ofMinutes(5), nanos::get);
    keys.find("k1");
    down[0] = true;
    nanos.addAndGet(Duration.ofMinutes(6).toNanos());

    assertEquals(first.toPublicJWK(), keys.find("k1").orElseThrow(), "stale, refresh failed");
    long fetchesSoFar = keys.fetches();
    assertEquals(first.toPublicJWK(), keys.find("k1").orElseThrow());
    assertEquals(fetchesSoFar, keys.fetches(), "not asked again on every call while down");
    assertTrue(keys.find("k2").isEmpty(), "a new kid still asks, and is not found");
  }

  @Test
  void withNoKeysHeldAFailedFetchIsUnavailable() {
    CachedPublicKeys keys = new CachedPublicKeys(() -> {
      throw new IllegalStateException("client-server unreachable");
    }, Duration.ZERO, Duration.ofMinutes(5), nanos::get);

    assertThrows(KeysUnavailableException.class, () -> keys.find("k1"));
  }

  @Test
  void keysOlderThanTheMaxAgeAreFetchedAgainSoRetiredOnesDropOut() {
    ECKey first = AccessTokenVerifierTest.newKey("k1");
    published.add(first);
    CachedPublicKeys keys = keys(Duration.ZERO, Duration.ofMinutes(5));
    keys.find("k1");
    published.clear();

    nanos.addAndGet(Duration.ofMinutes(6).toNanos());

    assertTrue(keys.find("k1").isEmpty());
    assertEquals(2, fetched.get());
  }
}
