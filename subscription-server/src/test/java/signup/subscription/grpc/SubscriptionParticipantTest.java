package signup.subscription.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static signup.subscription.grpc.GrpcAssertions.assertStatus;

import io.grpc.Status;
import com.google.rpc.Code;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.common.v1.DeviceType;
import signup.subscription.InProcessSubscriptionServer;
import signup.subscription.v1.CancelSubscriptionRequest;
import signup.subscription.v1.ConfirmSubscriptionBatchRequest;
import signup.subscription.v1.ConfirmSubscriptionBatchResponse;
import signup.subscription.v1.ConfirmSubscriptionResult;
import signup.subscription.v1.GetSubscriptionRequest;
import signup.subscription.v1.Subscription;
import signup.subscription.v1.SubscriptionStatus;

/**
 * Reserve, Confirm, ConfirmBatch and Cancel through real stubs: the participant's side of the
 * protocol.
 */
class SubscriptionParticipantTest {
  @TempDir
  Path dir;

  private InProcessSubscriptionServer server;

  @BeforeEach
  void start() {
    server = new InProcessSubscriptionServer(dir.resolve("subscription.db"));
  }

  @AfterEach
  void stop() throws InterruptedException {
    server.close();
  }

  @Test
  void aReservationReturnsThePendingSubscriptionWithItsPlanAndPrice() {
    Subscription reserved = server.reserve("txn-1", "client-1", "us", DeviceType.IOS);

    assertEquals(SubscriptionStatus.PENDING, reserved.getStatus());
    assertEquals("client-1", reserved.getClientId());
    assertEquals("US", reserved.getRegion());
    assertEquals(DeviceType.IOS, reserved.getDevice());
    assertEquals("us-ios", reserved.getPlan().getPlanId());
    assertEquals(999, reserved.getPlan().getPrice().getAmountMinor());
    assertEquals("USD", reserved.getPlan().getPrice().getCurrency());
    assertEquals(server.clock.instant().getEpochSecond(), reserved.getCreatedAt().getSeconds());
  }

  @Test
  void reservingTwiceUnderOneTxnIsIdempotent() {
    Subscription first = server.reserve("txn-1", "client-1", "US", DeviceType.ANDROID);
    Subscription again = server.reserve("txn-1", "client-1", "US", DeviceType.ANDROID);

    assertEquals(first, again);
    assertEquals(1, server.rows.count("subscriptions"));
  }

  @Test
  void confirmingTwiceIsIdempotent() {
    Subscription reserved = server.reserve("txn-1", "client-1", "US", DeviceType.ANDROID);

    Subscription confirmed = server.confirm("txn-1");
    Subscription again = server.confirm("txn-1");

    assertEquals(SubscriptionStatus.ACTIVE, confirmed.getStatus());
    assertEquals(reserved.getSubscriptionId(), confirmed.getSubscriptionId());
    assertEquals(confirmed, again);
  }

  @Test
  void cancellingTwiceIsIdempotentAndRemovesThePendingSubscription() {
    server.reserve("txn-1", "client-1", "US", DeviceType.ANDROID);

    cancel("txn-1");
    cancel("txn-1");

    assertEquals(0, server.rows.count("subscriptions"));
    assertEquals(Optional.of("CANCELLED"), server.rows.barrierState("txn-1"));
  }

  @Test
  void aReserveAfterItsCancelIsAbortedAndLeavesNoRow() {
    cancel("txn-1");

    assertStatus(Status.Code.ABORTED,
        () -> server.reserve("txn-1", "client-1", "US", DeviceType.IOS));

    assertEquals(0, server.rows.count("subscriptions"));
    assertEquals(Optional.of("CANCELLED"), server.rows.barrierState("txn-1"));
  }

  @Test
  void confirmingACancelledTxnFailsItsPrecondition() {
    server.reserve("txn-1", "client-1", "US", DeviceType.IOS);
    cancel("txn-1");

    var e = assertStatus(Status.Code.FAILED_PRECONDITION, () -> server.confirm("txn-1"));

    assertTrue(e.getStatus().getDescription().contains("CANCELLED"), e.getMessage());
  }

  @Test
  void cancellingAConfirmedTxnFailsItsPreconditionAndKeepsTheSubscription() {
    server.signedUp("client-1", "US", DeviceType.IOS);

    assertStatus(Status.Code.FAILED_PRECONDITION, () -> cancel("txn-client-1"));

    assertEquals(SubscriptionStatus.ACTIVE, get("client-1").getStatus());
  }

  @Test
  void confirmingAnUnknownTxnIsNotFound() {
    assertStatus(Status.Code.NOT_FOUND, () -> server.confirm("txn-never-reserved"));
  }

  @Test
  void aPendingSubscriptionIsInvisibleUntilConfirmed() {
    server.reserve("txn-1", "client-1", "US", DeviceType.IOS);

    assertStatus(Status.Code.NOT_FOUND, () -> get("client-1"));

    server.confirm("txn-1");
    assertEquals(SubscriptionStatus.ACTIVE, get("client-1").getStatus());
  }

  @Test
  void aSecondReservationForAPendingClientAlreadyExists() {
    server.reserve("txn-1", "client-1", "US", DeviceType.IOS);

    assertStatus(Status.Code.ALREADY_EXISTS,
        () -> server.reserve("txn-2", "client-1", "GB", DeviceType.WEB));

    assertEquals(1, server.rows.count("subscriptions"));
    assertEquals(Optional.empty(), server.rows.barrierState("txn-2"));
  }

  @Test
  void aSecondReservationForASubscribedClientAlreadyExists() {
    server.signedUp("client-1", "US", DeviceType.IOS);

    var e = assertStatus(Status.Code.ALREADY_EXISTS,
        () -> server.reserve("txn-2", "client-1", "US", DeviceType.IOS));

    assertTrue(e.getStatus().getDescription().contains("client-1"), e.getMessage());
  }

  @Test
  void aBatchConfirmsEachTxnWithTheUpdatedAtConfirmAnswersAndOneBadTxnFailsAlone() {
    Subscription reserved = server.reserve("txn-1", "client-1", "US", DeviceType.IOS);
    server.reserve("txn-2", "client-2", "US", DeviceType.IOS);
    cancel("txn-2");
    server.reserve("txn-3", "client-3", "GB", DeviceType.WEB);
    server.clock.advance(Duration.ofSeconds(5));

    ConfirmSubscriptionBatchResponse reply =
        server.confirmBatch("txn-1", "txn-2", "not valid", "txn-never", "txn-3");

    assertEquals(List.of("txn-1", "txn-2", "not valid", "txn-never", "txn-3"),
        reply.getResultsList().stream().map(ConfirmSubscriptionResult::getTxnId).toList());
    assertEquals(List.of(Code.OK, Code.FAILED_PRECONDITION, Code.INVALID_ARGUMENT,
            Code.NOT_FOUND, Code.OK),
        reply.getResultsList().stream().map(r -> Code.forNumber(r.getError().getCode()))
            .toList());
    assertTrue(reply.getResults(1).getError().getMessage().contains("CANCELLED"));
    assertFalse(reply.getResults(1).hasUpdatedAt());
    assertEquals(reserved.getCreatedAt().getSeconds() + 5,
        reply.getResults(0).getUpdatedAt().getSeconds(), "stamped by this confirm");
    assertEquals(get("client-1").getUpdatedAt(), reply.getResults(0).getUpdatedAt());
    assertEquals(get("client-3").getUpdatedAt(), reply.getResults(4).getUpdatedAt());
    assertStatus(Status.Code.NOT_FOUND, () -> get("client-2"));

    // A repeat answers as Confirm does: the time stored, not a new one.
    server.clock.advance(Duration.ofSeconds(5));
    ConfirmSubscriptionBatchResponse again = server.confirmBatch("txn-3", "txn-1");
    assertEquals(reply.getResults(4), again.getResults(0));
    assertEquals(reply.getResults(0), again.getResults(1));
    assertEquals(server.confirm("txn-1").getUpdatedAt(), again.getResults(1).getUpdatedAt());
  }

  @Test
  void aBatchOfNoTxnsOrOfMoreThanItMayHoldIsInvalidAsAWhole() {
    server.reserve("txn-1", "client-1", "US", DeviceType.IOS);
    String[] tooMany = new String[257];
    tooMany[0] = "txn-1";
    for (int i = 1; i < tooMany.length; i++) {
      tooMany[i] = "txn-other-" + i;
    }

    assertStatus(Status.Code.INVALID_ARGUMENT, () -> server.confirmBatch());
    var e = assertStatus(Status.Code.INVALID_ARGUMENT, () -> server.confirmBatch(tooMany));

    assertTrue(e.getStatus().getDescription().contains("txn_ids"), e.getMessage());
    assertEquals(Optional.of("RESERVED"), server.rows.barrierState("txn-1"));
  }

  @Test
  void aBatchWithoutTheInternalTokenIsUnauthenticatedAndConfirmsNothing() {
    server.reserve("txn-1", "client-1", "US", DeviceType.IOS);

    assertStatus(Status.Code.UNAUTHENTICATED, () -> server.anonymousParticipant.confirmBatch(
        ConfirmSubscriptionBatchRequest.newBuilder().addTxnIds("txn-1").build()));

    assertEquals(Optional.of("RESERVED"), server.rows.barrierState("txn-1"));
  }

  private void cancel(String txnId) {
    server.participant.cancel(CancelSubscriptionRequest.newBuilder().setTxnId(txnId).build());
  }

  private Subscription get(String clientId) {
    return server.service.getSubscription(
        GetSubscriptionRequest.newBuilder().setClientId(clientId).build());
  }
}
