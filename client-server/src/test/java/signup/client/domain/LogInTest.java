package signup.client.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.client.store.ClientSchema;
import signup.client.store.SqlClientStore;
import signup.client.store.SqlLoginFailureStore;
import signup.common.MutableClock;
import signup.common.domain.Device;
import signup.common.domain.InvalidInputException;
import signup.common.store.SqliteDatabase;

/** Log-in's rules over a real client.db, with a clock the test moves. */
class LogInTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String ADDRESS = "192.0.2.7";

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private SqliteDatabase db;
  private PasswordHasher hasher;
  private LogIn logIn;

  @BeforeEach
  void open() {
    db = SqliteDatabase.open(ClientSchema.SPEC, dir.resolve("client.db"));
    hasher = new PasswordHasher(new Argon2Settings(64, 1, 1), 2);
    SqlClientStore clients = new SqlClientStore(db, clock);
    clients.reserve(new PendingClient("txn-1", "client-1", "ann@example.com", "Ann", "US",
        Device.IOS, hasher.hash(PASSWORD))).join();
    clients.confirm("txn-1").join();
    logIn = new LogIn(clients, new SqlLoginFailureStore(db), hasher,
        (clientId, email) -> new AccessGrant(clientId, "token-of-" + clientId,
            clock.instant().plus(Duration.ofMinutes(15))),
        LoginThrottleSettings.DEFAULTS, clock);
  }

  @AfterEach
  void close() {
    hasher.close();
    db.close();
  }

  @Test
  void theRightPasswordGetsTheClientsGrant() {
    assertEquals("client-1", logIn.logIn(" ANN@example.com", PASSWORD, ADDRESS).clientId());
  }

  @Test
  void theThrottleLastsUntilTheWindowThatBeganWithTheFirstFailureEnds() {
    for (int i = 0; i < 5; i++) {
      assertThrows(WrongCredentialsException.class,
          () -> logIn.logIn("ann@example.com", "wrong password", ADDRESS));
      clock.advance(Duration.ofMinutes(1));
    }
    var throttled = assertThrows(TooManyLoginFailuresException.class,
        () -> logIn.logIn("ann@example.com", PASSWORD, ADDRESS));
    assertEquals(Duration.ofMinutes(10), throttled.retryAfter());

    clock.advance(Duration.ofMinutes(10));

    assertEquals("client-1", logIn.logIn("ann@example.com", PASSWORD, ADDRESS).clientId());
  }

  @Test
  void failuresOfAnEndedWindowCountNoMore() {
    for (int i = 0; i < 4; i++) {
      assertThrows(WrongCredentialsException.class,
          () -> logIn.logIn("ann@example.com", "wrong password", ADDRESS));
    }
    clock.advance(Duration.ofMinutes(16));

    for (int i = 0; i < 4; i++) {
      assertThrows(WrongCredentialsException.class,
          () -> logIn.logIn("ann@example.com", "wrong password", ADDRESS));
    }
    assertEquals("client-1", logIn.logIn("ann@example.com", PASSWORD, ADDRESS).clientId());
  }

  @Test
  void guessesSentInParallelGetNoMoreTriesThanTheLimit() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      List<Callable<String>> guesses = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String guess = "wrong password " + i;
        guesses.add(() -> {
          try {
            logIn.logIn("ann@example.com", guess, ADDRESS);
            return "in";
          } catch (WrongCredentialsException e) {
            return "wrong";
          } catch (TooManyLoginFailuresException e) {
            return "throttled";
          }
        });
      }
      List<String> answers = new ArrayList<>();
      for (Future<String> answer : pool.invokeAll(guesses)) {
        answers.add(answer.get());
      }

      assertEquals(5, answers.stream().filter("wrong"::equals).count(), answers::toString);
      assertEquals(15, answers.stream().filter("throttled"::equals).count(), answers::toString);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void malformedInputIsRefusedWithoutCountingAFailure() {
    for (int i = 0; i < 10; i++) {
      var e = assertThrows(InvalidInputException.class,
          () -> logIn.logIn("ann@example.com", "", ADDRESS));
      assertTrue(e.getMessage().contains("password: is required"), e.getMessage());
    }

    assertEquals("client-1", logIn.logIn("ann@example.com", PASSWORD, ADDRESS).clientId());
  }
}
