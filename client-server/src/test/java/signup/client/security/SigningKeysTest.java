package signup.client.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWK;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.client.store.ClientSchema;
import signup.client.store.SqlSigningKeyStore;
import signup.common.MutableClock;
import signup.common.store.SqliteDatabase;

/** The signing keys in a real client.db: made once, shared, rotated, retired in time. */
class SigningKeysTest {
  private static final Duration MAX_AGE = Duration.ofHours(1);
  private static final Duration TTL = Duration.ofMinutes(15);

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private SqliteDatabase db;
  private SqlSigningKeyStore store;

  @BeforeEach
  void open() {
    db = SqliteDatabase.open(ClientSchema.SPEC, dir.resolve("client.db"));
    store = new SqlSigningKeyStore(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private SigningKeys keys() {
    return new SigningKeys(store, clock, MAX_AGE, TTL);
  }

  @Test
  void theFirstUseMakesOneKeyThatARestartKeeps() {
    String first = keys().current().getKeyID();

    assertEquals(first, keys().current().getKeyID(), "another instance, the same store");
    assertEquals(1, store.all().size());
    assertTrue(keys().current().isPrivate());
    assertFalse(keys().published().getKeys().get(0).isPrivate(), "only public parts published");
  }

  @Test
  void aKeyPastItsAgeIsReplacedAndStaysPublishedUntilItsTokensHaveExpired() {
    SigningKeys keys = keys();
    String old = keys.current().getKeyID();
    clock.advance(MAX_AGE.plusSeconds(1));

    String current = keys.current().getKeyID();

    assertNotEquals(old, current);
    assertEquals(List.of(old, current), kids());
    clock.advance(TTL.plus(SigningKeys.SLACK).minusSeconds(1));
    assertEquals(List.of(old, current), kids(), "tokens of the old key may still be valid");
    clock.advance(Duration.ofSeconds(2));
    assertEquals(List.of(current), kids(), "every token of the old key has expired");
  }

  @Test
  void aRetiredKeyIsDeletedAtTheNextRotation() {
    SigningKeys keys = keys();
    String first = keys.current().getKeyID();
    clock.advance(MAX_AGE.plusSeconds(1));
    keys.current();
    clock.advance(MAX_AGE.plusSeconds(1));

    keys.current();

    assertEquals(2, store.all().size());
    assertFalse(store.all().stream().anyMatch(k -> k.keyId().equals(first)));
  }

  @Test
  void twoReplicasRotatingAtOnceAddOneKeyAndSignWithIt() {
    SigningKeys one = keys();
    SigningKeys other = keys();
    String old = one.current().getKeyID();
    other.current();
    clock.advance(MAX_AGE.plusSeconds(1));

    String fromOne = one.current().getKeyID();
    String fromOther = other.current().getKeyID();

    assertEquals(fromOne, fromOther);
    assertNotEquals(old, fromOne);
    assertEquals(2, store.all().size());
  }

  private List<String> kids() {
    return keys().published().getKeys().stream().map(JWK::getKeyID).toList();
  }
}
