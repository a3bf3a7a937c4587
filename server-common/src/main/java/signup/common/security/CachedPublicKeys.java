package signup.common.security;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's key set, fetched when first needed and kept. It is fetched again when a token
 * names a key it does not hold (the issuer has rotated its key) and when it is older than
 * {@code maxAge} (so retired keys drop out), but never more than once per
 * {@code minInterval}: a caller that finds the last fetch too recent waits for the rest of the
 * interval, and callers waiting together share one fetch. Tokens with made-up key ids thus cost
 * the issuer at most one call per interval, however many arrive.
 *
 * <p>When a fetch fails, the keys already held stay in use for another {@code maxAge}; with
 * none held, the caller gets {@link KeysUnavailableException}.
 */
public final class CachedPublicKeys implements PublicKeys {
  private static final Logger log = LoggerFactory.getLogger(CachedPublicKeys.class);

  /** Gets the current key set from its issuer; throws when it cannot. */
  @FunctionalInterface
  public interface Source {
    JWKSet fetch();
  }

  private record Held(JWKSet keys, long fetchedNanos) {}

  private final Source source;
  private final long minIntervalNanos;
  private final long maxAgeNanos;
  private final LongSupplier nanoTime;
  private final Object lock = new Object();
  private volatile Held held;
  /** When the last fetch was tried, successful or not; guarded by {@link #lock}. */
  private long lastAttemptNanos;
  private boolean attempted;
  private volatile long fetches;

  public CachedPublicKeys(Source source, Duration minInterval, Duration maxAge) {
    this(source, minInterval, maxAge, System::nanoTime);
  }

  CachedPublicKeys(Source source, Duration minInterval, Duration maxAge, LongSupplier nanoTime) {
    if (maxAge.compareTo(minInterval) < 0) {
      throw new IllegalArgumentException("maxAge must be at least minInterval");
    }
    this.source = source;
    this.minIntervalNanos = minInterval.toNanos();
    this.maxAgeNanos = maxAge.toNanos();
    this.nanoTime = nanoTime;
  }

  @Override
  public Optional<ECKey> find(String keyId) {
    Held now = held;
    if (now != null && fresh(now)) {
      Optional<ECKey> key = lookUp(now, keyId);
      if (key.isPresent()) {
        return key;
      }
    }
    long fetchesSeen = fetches;
    synchronized (lock) {
      // Another caller fetched while this one waited for the lock: use that.
      if (fetches != fetchesSeen) {
        return lookUp(requireHeld(), keyId);
      }
      waitForTheInterval();
      fetch();
      return lookUp(requireHeld(), keyId);
    }
  }

  /** How many fetches were tried so far. */
  public long fetches() {
    return fetches;
  }

  private boolean fresh(Held h) {
    return nanoTime.getAsLong() - h.fetchedNanos() < maxAgeNanos;
  }

  private void waitForTheInterval() {
    if (!attempted) {
      return;
    }
    long wait = lastAttemptNanos + minIntervalNanos - nanoTime.getAsLong();
    if (wait > 0) {
      try {
        // Holding the lock on purpose: whoever queues behind shares the fetch that follows.
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KeysUnavailableException("interrupted while waiting to fetch the keys", e);
      }
    }
  }

  private void fetch() {
    attempted = true;
    lastAttemptNanos = nanoTime.getAsLong();
    fetches++;
    try {
      JWKSet keys = source.fetch();
      held = new Held(keys, nanoTime.getAsLong());
    } catch (RuntimeException e) {
      if (held == null) {
        throw new KeysUnavailableException(
            "cannot get the public keys that verify access tokens: " + e.getMessage(), e);
      }
      // Held as if just fetched: otherwise, with the issuer down, every call after the keys
      // went stale would wait for a fetch that fails. A token of a new key still asks again.
      held = new Held(held.keys(), nanoTime.getAsLong());
      log.warn("cannot refresh the public keys that verify access tokens ({}); "
          + "keeping the {} held", e.getMessage(), held.keys().size());
    }
  }

  private Held requireHeld() {
    Held h = held;
    if (h == null) {
      throw new KeysUnavailableException(
          "the public keys that verify access tokens are not available yet", null);
    }
    return h;
  }

  private static Optional<ECKey> lookUp(Held h, String keyId) {
    JWK key = h.keys().getKeyByKeyId(keyId);
    return key instanceof ECKey ec ? Optional.of(ec.toPublicJWK()) : Optional.empty();
  }
}
