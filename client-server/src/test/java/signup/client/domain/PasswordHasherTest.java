package signup.client.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import signup.common.domain.Completions;
import signup.common.domain.OverloadedException;
import signup.common.domain.TooLateException;

class PasswordHasherTest {
  private static final Pattern PHC = Pattern.compile(
      "\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");

  private final PasswordHasher hasher = new PasswordHasher(Argon2Settings.OWASP, 2);

  @AfterEach
  void closeHasher() {
    hasher.close();
  }

  @Test
  void aHashIsNotStartedForACallerWithLessTimeLeftThanAHashTakes() {
    Completions.await(hasher.hashAsync("correct horse", () -> Duration.ofMinutes(1)));

    TooLateException late = assertThrows(TooLateException.class, () -> Completions.await(
        hasher.hashAsync("correct horse", () -> Duration.ofMillis(1))));

    assertTrue(late.getMessage().contains("not started"), late.getMessage());
    assertFalse(late.getMessage().contains("correct horse"));
  }

  @Test
  void oneHashSlowerThanEveryDeadlineDoesNotRefuseAllLaterCallersForGood() {
    Completions.await(hasher.hashAsync("correct horse", () -> Duration.ofMinutes(1)));
    // One hash that took 10 s (a stalled machine): callers with 2 s left are refused at first.
    hasher.recordHash(Duration.ofSeconds(10).toNanos());

    int refused = 0;
    String phc = null;
    while (phc == null && refused < 200) {
      try {
        phc = Completions.await(hasher.hashAsync("correct horse", () -> Duration.ofSeconds(2)));
      } catch (TooLateException e) {
        refused++;
      }
    }

    assertTrue(refused > 0, "the slow hash was taken into account");
    assertTrue(phc != null, "still refused after " + refused + " callers");
    assertTrue(hasher.verify("correct horse", phc));
  }

  @Test
  void aCheapHashIsMadeOnTheCallersThreadOnceItsCostIsKnownAndAnExpensiveOneNever() {
    List<String> cheapThreads = new CopyOnWriteArrayList<>();
    try (PasswordHasher cheap = new PasswordHasher(Argon2Settings.MINIMUM, 1,
        recordingThreadsInto(cheapThreads))) {
      for (int i = 0; i < 3; i++) {
        String phc = Completions.await(cheap.hashAsync("pw" + i, () -> Duration.ofMinutes(1)));
        assertTrue(cheap.verify("pw" + i, phc));
        if (i == 0) {
          // The first hash of a cold JVM (JIT, the native library's first call) may take more
          // than a millisecond; hashes at this cost take tens of microseconds once warm, and the
          // estimate follows them there.
          for (int warm = 0; warm < 40; warm++) {
            cheap.recordHash(TimeUnit.MICROSECONDS.toNanos(50));
          }
        }
      }
      cheap.hash("sync");
    }
    String caller = Thread.currentThread().getName();
    // The first hash's cost is not known yet: the hasher's thread makes it.
    assertEquals(List.of(false, true, true, true),
        cheapThreads.stream().map(caller::equals).toList());

    List<String> expensiveThreads = new CopyOnWriteArrayList<>();
    try (PasswordHasher expensive = new PasswordHasher(Argon2Settings.OWASP, 1,
        recordingThreadsInto(expensiveThreads))) {
      Completions.await(expensive.hashAsync("pw", () -> Duration.ofMinutes(1)));
      Completions.await(expensive.hashAsync("pw", () -> Duration.ofMinutes(1)));
    }
    assertFalse(expensiveThreads.contains(caller), expensiveThreads.toString());
  }

  @Test
  void aCheapHashThatTookLongOnlyForBeingPreemptedKeepsTheNextOnesOnTheCallersThread() {
    List<String> threads = new CopyOnWriteArrayList<>();
    try (PasswordHasher cheap = new PasswordHasher(Argon2Settings.MINIMUM, 1,
        recordingThreadsInto(threads))) {
      for (int warm = 0; warm < 40; warm++) {
        cheap.recordHash(TimeUnit.MICROSECONDS.toNanos(50));
      }
      // 10 ms from start to end, 50 us of it on the CPU: a hash the scheduler set aside.
      cheap.recordHash(TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.MICROSECONDS.toNanos(50));
      Completions.await(cheap.hashAsync("pw", () -> Duration.ofMinutes(1)));
    }
    assertEquals(List.of(Thread.currentThread().getName()), threads);
  }

  @Test
  void aCallerWithTimeLeftGetsItsHash() {
    String phc = Completions.await(hasher.hashAsync("correct horse", () -> Duration.ofMinutes(1)));

    assertTrue(hasher.verify("correct horse", phc));
  }

  @Test
  void aHashIsAnArgon2idPhcStringWithTheOwaspParametersAndNoPadding() {
    String phc = hasher.hash("correct horse battery");

    Matcher m = PHC.matcher(phc);
    assertTrue(m.matches(), "not the expected PHC form: " + phc);
    assertEquals(PasswordHasher.SALT_BYTES, Base64.getDecoder().decode(m.group(1)).length);
    assertEquals(PasswordHasher.HASH_BYTES, Base64.getDecoder().decode(m.group(2)).length);
  }

  @Test
  void theRightPasswordVerifies() {
    String phc = hasher.hash("correct horse battery");

    assertTrue(hasher.verify("correct horse battery", phc));
  }

  @Test
  void aWrongPasswordDoesNotVerify() {
    String phc = hasher.hash("correct horse battery");

    assertFalse(hasher.verify("correct horse batterz", phc));
    assertFalse(hasher.verify("", phc));
  }

  @Test
  void twoHashesOfOnePasswordDifferInSaltAndHash() {
    Matcher first = PHC.matcher(hasher.hash("same password"));
    Matcher second = PHC.matcher(hasher.hash("same password"));

    assertTrue(first.matches() && second.matches());
    assertNotEquals(first.group(1), second.group(1));
    assertNotEquals(first.group(2), second.group(2));
  }

  @Test
  void nonAsciiPasswordsRoundTrip() {
    String phc = hasher.hash("pässwörd-日本語");

    assertTrue(hasher.verify("pässwörd-日本語", phc));
    assertFalse(hasher.verify("passwörd-日本語", phc));
  }

  @Test
  void aHashMadeUnderOtherParametersVerifiesWithTheParametersItCarries() {
    try (PasswordHasher cheaper = new PasswordHasher(new Argon2Settings(64, 1, 1), 1)) {
      String old = cheaper.hash("correct horse battery");
      assertTrue(old.startsWith("$argon2id$v=19$m=64,t=1,p=1$"));

      assertTrue(hasher.verify("correct horse battery", old));
      assertFalse(hasher.verify("wrong horse battery", old));
    }
  }

  @Test
  void aHashFromTheArgon2ReferenceImplementationVerifies() {
    // phc-winner-argon2's src/test.c: argon2id, password "password", salt "somesalt".
    String reference = "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$"
        + "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";

    assertTrue(hasher.verify("password", reference));
    assertFalse(hasher.verify("Password", reference));
  }

  @Test
  void aStringThatIsNotAnArgon2idHashIsRefusedWithoutBeingEchoed() {
    String[] notOurs = {
        "", "plain-text-secret", "$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$"
            + "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=16$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"};
    for (String phc : notOurs) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> hasher.verify("password", phc));
      if (!phc.isEmpty()) {
        assertFalse(e.getMessage().contains(phc), "the message echoes the stored hash");
      }
    }
  }

  @Test
  void aStoredHashAskingForAbsurdCostIsRefusedBeforeAnyWork() {
    String huge = "$argon2id$v=19$m=999999999,t=2,p=1$c29tZXNhbHQ$"
        + "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";

    assertThrows(IllegalArgumentException.class, () -> hasher.verify("password", huge));
  }

  @Test
  void settingsBelowWhatArgon2AllowsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Argon2Settings(4, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Argon2Settings(64, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new Argon2Settings(64, 1, 0));
  }

  @Test
  void aHashBeyondTheQueuesBoundIsRefusedAsOverloadedAtOnceAndTheQueuedOnesAllFinish()
      throws Exception {
    try (PasswordHasher one = new PasswordHasher(Argon2Settings.MINIMUM, 1)) {
      CountDownLatch holding = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      // The one thread is held by a hash whose caller is asked for its time left.
      CompletableFuture<String> held = one.hashAsync("held password", () -> {
        holding.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return Duration.ofMinutes(1);
      });
      assertTrue(holding.await(10, TimeUnit.SECONDS));
      List<CompletableFuture<String>> queued = new ArrayList<>();
      for (int i = 0; i < PasswordHasher.QUEUED_PER_THREAD; i++) {
        queued.add(one.hashAsync("queued password", () -> Duration.ofMinutes(1)));
      }

      CompletableFuture<String> refused = one.hashAsync("refused password",
          () -> Duration.ofMinutes(1));

      OverloadedException e = assertThrows(OverloadedException.class,
          () -> Completions.await(refused));
      assertFalse(e.getMessage().contains("refused password"));
      assertThrows(OverloadedException.class, () -> one.hash("refused password"));
      release.countDown();
      // Verified by the other hasher: this one's queue may still be full.
      assertTrue(hasher.verify("held password", Completions.await(held)));
      for (CompletableFuture<String> hash : queued) {
        assertTrue(hasher.verify("queued password", Completions.await(hash)));
      }
    }
  }

  @Test
  void aClosedHasherRefusesWork() {
    hasher.close();

    assertThrows(IllegalStateException.class, () -> hasher.hash("correct horse battery"));
  }

  /** A listener that notes the name of the thread each hash ran on. */
  private static PasswordHasher.Listener recordingThreadsInto(List<String> threads) {
    return new PasswordHasher.Listener() {
      @Override
      public void hashed(long nanos) {
        threads.add(Thread.currentThread().getName());
      }
    };
  }
}
