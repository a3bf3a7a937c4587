package signup.client.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static signup.common.domain.Completions.await;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import signup.common.domain.ConfirmBatches;
import signup.common.domain.Device;
import signup.common.domain.FieldViolation;
import signup.common.domain.InvalidInputException;
import signup.common.domain.NotFoundException;
import signup.common.domain.TxnResult;

/** The domain alone: checks, normalisation and hashing, against a store that only records. */
class ClientRegistrationTest {
  private final RecordingStore store = new RecordingStore();
  private final PasswordHasher hasher = new PasswordHasher(new Argon2Settings(64, 1, 1), 1);
  private final ClientRegistration registration = new ClientRegistration(store, hasher);

  @AfterEach
  void closeHasher() {
    hasher.close();
  }

  @Test
  void everyBadFieldIsReportedAtOnceAndNothingIsStored() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> await(registration.reserve("", "has space", "not-an-email", " ", "short", "ZZ", null)));

    assertEquals(List.of("txn_id", "client_id", "email", "name", "password", "region", "device"),
        e.violations().stream().map(FieldViolation::field).toList());
    assertTrue(e.getMessage().contains("region: unknown code ZZ"), e.getMessage());
    assertTrue(store.reserved.isEmpty());
  }

  @Test
  void emailAndRegionAreNormalisedBeforeTheyAreStored() {
    Client client = await(registration.reserve("txn-1", "client-1", "  Ann.Lee@Example.COM ",
        "Ann Lee", "correct horse", " us", Device.IOS));

    PendingClient stored = store.reserved.get(0);
    assertEquals("ann.lee@example.com", stored.email());
    assertEquals("US", stored.region());
    assertEquals("ann.lee@example.com", client.email());
  }

  @Test
  void thePasswordIsStoredOnlyAsASaltedArgon2idHash() {
    await(registration.reserve("txn-1", "client-1", "ann@example.com", "Ann", "correct horse", "US",
        Device.WEB));

    PendingClient stored = store.reserved.get(0);
    assertTrue(stored.passwordHash().startsWith("$argon2id$v=19$"));
    assertFalse(stored.passwordHash().contains("correct horse"));
    assertTrue(hasher.verify("correct horse", stored.passwordHash()));
  }

  @Test
  void aPendingClientNeverPrintsItsHash() {
    PendingClient pending = new PendingClient("txn-1", "client-1", "ann@example.com", "Ann", "US",
        Device.WEB, "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA");

    assertFalse(pending.toString().contains("argon2id"), pending.toString());
    assertTrue(pending.toString().contains("txn-1"));
  }

  @Test
  void readsCheckTheirInputAndLookUpTheNormalisedEmail() {
    assertEquals("client_id", assertThrows(InvalidInputException.class,
        () -> registration.getClient("")).violations().get(0).field());
    assertEquals("email", assertThrows(InvalidInputException.class,
        () -> registration.getClientByEmail("  ")).violations().get(0).field());

    assertThrows(NotFoundException.class, () -> registration.getClientByEmail("Ann@Example.com"));
    assertEquals(List.of("ann@example.com"), store.lookedUpEmails);
  }

  @Test
  void aSecondSignupOfAnEmailBeingReservedIsRefusedAtOnceWithoutAHash() throws Exception {
    CountDownLatch hashMayStart = new CountDownLatch(1);
    // The first reserve holds the one hasher thread until the test lets it go.
    CompletableFuture<Client> first = registration.reserve("txn-1", "client-1",
        "ann@example.com", "Ann", "correct horse", "US", Device.WEB, () -> {
          awaitUninterruptibly(hashMayStart);
          return ClientRegistration.NO_DEADLINE;
        });

    CompletableFuture<Client> second = registration.reserve("txn-2", "client-2",
        " ANN@example.com", "Ann", "correct horse", "US", Device.WEB);

    assertTrue(second.isCompletedExceptionally(), "answered before the first hash ended");
    assertThrows(EmailTakenException.class, () -> await(second));
    hashMayStart.countDown();
    assertEquals("client-1", await(first).clientId());
    assertEquals(1, store.reserved.size());
    // Once the first is durable, the store's unique index answers; the claim is gone.
    await(registration.reserve("txn-3", "client-3", "bob@example.com", "Bob", "correct horse",
        "US", Device.WEB));
    assertEquals(2, store.reserved.size());
  }

  @Test
  void theSameTxnReservingAgainIsNotRefusedByItsOwnClaim() {
    CountDownLatch hashMayStart = new CountDownLatch(1);
    CompletableFuture<Client> first = registration.reserve("txn-1", "client-1",
        "ann@example.com", "Ann", "correct horse", "US", Device.WEB, () -> {
          awaitUninterruptibly(hashMayStart);
          return ClientRegistration.NO_DEADLINE;
        });
    CompletableFuture<Client> again = registration.reserve("txn-1", "client-1",
        "ann@example.com", "Ann", "correct horse", "US", Device.WEB);

    hashMayStart.countDown();
    assertEquals("client-1", await(first).clientId());
    assertEquals("client-1", await(again).clientId());
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void confirmAndCancelRequireATxnId() {
    assertEquals("txn_id", assertThrows(InvalidInputException.class,
        () -> await(registration.confirm(" "))).violations().get(0).field());
    assertEquals("txn_id", assertThrows(InvalidInputException.class,
        () -> await(registration.cancel(null))).violations().get(0).field());
  }

  @Test
  void aBatchOfConfirmsGoesToTheStoreAsOneCallAndABadTxnIdFailsThatTxnOnly() {
    List<TxnResult<Client>> results =
        await(registration.confirmAll(List.of("txn-1", " ", "txn-3")));

    assertEquals(List.of("confirm all [txn-1, txn-3]"), store.decisions);
    assertEquals(List.of("txn-1", " ", "txn-3"), results.stream().map(TxnResult::txnId).toList());
    assertTrue(results.get(0).ok());
    assertEquals("txn_id", ((InvalidInputException) results.get(1).failure()).violations()
        .get(0).field());
    assertTrue(results.get(2).ok());
  }

  @Test
  void aBatchOfOnlyBadTxnIdsTouchesNoStore() {
    List<TxnResult<Client>> results = await(registration.confirmAll(List.of("", "a b")));

    assertFalse(results.get(0).ok());
    assertFalse(results.get(1).ok());
    assertTrue(store.decisions.isEmpty());
  }

  @Test
  void anEmptyOrOversizedBatchIsRefusedAsAWhole() {
    List<String> tooMany = java.util.stream.IntStream.rangeClosed(0, ConfirmBatches.MAX)
        .mapToObj(i -> "txn-" + i).toList();
    for (List<String> batch : List.of(List.<String>of(), tooMany)) {
      InvalidInputException refused = assertThrows(InvalidInputException.class,
          () -> await(registration.confirmAll(batch)));
      assertEquals("txn_ids", refused.violations().get(0).field());
    }
    assertTrue(store.decisions.isEmpty());
  }

  @Test
  void theLedgerDecidesThroughTheStore() {
    registration.ledger().confirm("txn-7");
    registration.ledger().cancel("txn-8");

    assertEquals(List.of("confirm txn-7", "cancel txn-8"), store.decisions);
  }

  /** Records what the domain asks of it; finds nothing. */
  private static final class RecordingStore implements ClientStore {
    final List<PendingClient> reserved = new CopyOnWriteArrayList<>();
    final List<String> lookedUpEmails = new ArrayList<>();
    final List<String> decisions = new ArrayList<>();

    @Override
    public CompletableFuture<Client> reserve(PendingClient pending) {
      reserved.add(pending);
      return CompletableFuture.completedFuture(new Client(pending.clientId(), pending.email(),
          pending.name(), pending.region(), pending.device(), Instant.EPOCH));
    }

    @Override
    public CompletableFuture<Client> confirm(String txnId) {
      decisions.add("confirm " + txnId);
      return CompletableFuture.completedFuture(
          new Client("client-1", "ann@example.com", "Ann", "US", Device.WEB, Instant.EPOCH));
    }

    @Override
    public CompletableFuture<List<TxnResult<Client>>> confirmAll(List<String> txnIds) {
      decisions.add("confirm all " + txnIds);
      return CompletableFuture.completedFuture(txnIds.stream()
          .map(txnId -> TxnResult.succeeded(txnId, new Client("client-1", "ann@example.com",
              "Ann", "US", Device.WEB, Instant.EPOCH)))
          .toList());
    }

    @Override
    public CompletableFuture<Void> cancel(String txnId) {
      decisions.add("cancel " + txnId);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public Optional<Client> findConfirmed(String clientId) {
      return Optional.empty();
    }

    @Override
    public Optional<Client> findConfirmedByEmail(String email) {
      lookedUpEmails.add(email);
      return Optional.empty();
    }

    @Override
    public Optional<Credentials> findCredentials(String email) {
      return Optional.empty();
    }

    @Override
    public List<String> claimReservedBefore(Instant cutoff, Instant claimUntil, int limit) {
      return List.of();
    }
  }
}
