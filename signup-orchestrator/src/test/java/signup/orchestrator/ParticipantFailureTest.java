package signup.orchestrator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.common.domain.ParticipantSettings;
import signup.subscription.v1.CancelSubscriptionRequest;
import signup.subscription.v1.CancelSubscriptionResponse;
import signup.subscription.v1.ConfirmSubscriptionRequest;
import signup.subscription.v1.ConfirmSubscriptionResponse;
import signup.subscription.v1.ReserveSubscriptionRequest;
import signup.subscription.v1.ReserveSubscriptionResponse;
import signup.subscription.v1.SubscriptionParticipantGrpc;

/** A participant that is down or too slow: a clear status, and nothing left written. */
class ParticipantFailureTest {
  @TempDir Path dataDir;
  SignupSystem system;
  Server proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.shutdownNow();
    }
    system.close();
  }

  @Test
  void subscriptionServerDownGivesUnavailableAndLeavesNoClient() {
    system = SignupSystem.startAll(dataDir);
    system.stopSubscription();

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(SignupSystem.request("ada@example.com")));

    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertEquals(0, system.clientRows());
    assertEquals(0, system.query("client.db",
        "SELECT count(*) FROM txn_barrier WHERE state <> 'CANCELLED'"));
  }

  @Test
  void clientServerDownGivesUnavailableAndLeavesNoSubscription() {
    system = SignupSystem.startAll(dataDir);
    system.stopClient();

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(SignupSystem.request("ada@example.com")));

    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertEquals(0, system.subscriptionRows());
  }

  @Test
  void aCancelThatCouldNotBeDeliveredIsFinishedByRecoveryOnceTheParticipantIsBack() {
    system = SignupSystem.startAll(dataDir);
    system.stopSubscription();
    assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(SignupSystem.request("ada@example.com")));

    system.startSubscription();

    await().atMost(Duration.ofSeconds(15)).until(() -> system.query("orchestrator.db",
        "SELECT count(*) FROM signup_txn WHERE state = 'ABORTED'") == 1);
    assertEquals(1, system.query("subscription.db",
        "SELECT count(*) FROM txn_barrier WHERE state = 'CANCELLED'"));
  }

  @Test
  void aParticipantSlowerThanTheDeadlineGivesDeadlineExceededAndItsLateReserveIsRefused()
      throws Exception {
    system = new SignupSystem(dataDir, SignupSystem.FAST, ParticipantSettings.DEFAULTS);
    system.startClient().startSubscription();
    CountDownLatch lateReserveDone = new CountDownLatch(1);
    int proxyPort = SignupSystem.freePort();
    proxy = slowReserveProxy(proxyPort, Duration.ofSeconds(3), lateReserveDone);
    system.startOrchestrator(SignupSystem.target(system.clientPort),
        SignupSystem.target(proxyPort));

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> system.signups().signup(SignupSystem.request("ada@example.com")));

    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    assertEquals(0, system.clientRows());
    // The reserve reaches subscription-server after the cancel did: the tombstone refuses it.
    lateReserveDone.await(10, TimeUnit.SECONDS);
    assertEquals(0, system.subscriptionRows());
  }

  /**
   * A real gRPC hop in front of subscription-server that holds every Reserve for {@code delay}
   * before forwarding it, and forwards Confirm and Cancel at once.
   */
  private Server slowReserveProxy(int port, Duration delay, CountDownLatch lateReserveDone)
      throws IOException {
    var upstream = system.subscriptionParticipant();
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addService(new SubscriptionParticipantGrpc.SubscriptionParticipantImplBase() {
          @Override
          public void reserve(ReserveSubscriptionRequest request,
              StreamObserver<ReserveSubscriptionResponse> responses) {
            CountDownLatch never = new CountDownLatch(1);
            try {
              never.await(delay.toMillis(), TimeUnit.MILLISECONDS);
              responses.onNext(upstream.withDeadlineAfter(5, TimeUnit.SECONDS).reserve(request));
              responses.onCompleted();
            } catch (StatusRuntimeException e) {
              responses.onError(e);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              responses.onError(Status.CANCELLED.asRuntimeException());
            } finally {
              lateReserveDone.countDown();
            }
          }

          @Override
          public void confirm(ConfirmSubscriptionRequest request,
              StreamObserver<ConfirmSubscriptionResponse> responses) {
            responses.onNext(upstream.confirm(request));
            responses.onCompleted();
          }

          @Override
          public void cancel(CancelSubscriptionRequest request,
              StreamObserver<CancelSubscriptionResponse> responses) {
            responses.onNext(upstream.cancel(request));
            responses.onCompleted();
          }
        })
        .build()
        .start();
  }
}
