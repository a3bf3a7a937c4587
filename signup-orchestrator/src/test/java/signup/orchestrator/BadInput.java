package signup.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import signup.client.v1.ClientParticipantGrpc;
import signup.client.v1.ClientServiceGrpc;
import signup.orchestrator.DatabaseSnapshot.Diff;
import signup.orchestrator.DatabaseSnapshot.Row;
import signup.orchestrator.v1.SignupServiceGrpc;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;
import signup.subscription.v1.SubscriptionParticipantGrpc;
import signup.subscription.v1.SubscriptionServiceGrpc;

/**
 * One row of the bad-input table: what is sent to which RPC, the exact status that must come
 * back, the fields it must name, and what the call may write (usually nothing).
 *
 * @param setup run before the databases are snapshot (a cancel before a confirm); may be null
 * @param fields for INVALID_ARGUMENT, the fields the BadRequest and the message must name
 * @param inMessage a part the status message must hold (for INVALID_ARGUMENT, the wording of a
 *     rule: "password: is required"); may be null
 */
record BadInput(String name, Step setup, Step call, Status.Code code, List<String> fields,
    String inMessage, Effect effect) {

  /** A call against the running system; what it returns is the reply. */
  @FunctionalInterface
  interface Step {
    Object run(Fixture f) throws Exception;
  }

  /** What the call wrote, judged from the rows it added and removed. */
  @FunctionalInterface
  interface Effect {
    void check(Diff diff);
  }

  static BadInput refused(String name, Step call, String... fields) {
    return new BadInput(name, null, call, Status.Code.INVALID_ARGUMENT, List.of(fields), null,
        nothing());
  }

  static BadInput answered(String name, Step call, Status.Code code, String inMessage) {
    return new BadInput(name, null, call, code, List.of(), inMessage, nothing());
  }

  BadInput after(Step newSetup) {
    return new BadInput(name, newSetup, call, code, fields, inMessage, effect);
  }

  /** The status message must hold {@code part}: one wording per rule, in every service. */
  BadInput saying(String part) {
    return new BadInput(name, setup, call, code, fields, part, effect);
  }

  BadInput writing(Effect newEffect) {
    return new BadInput(name, setup, call, code, fields, inMessage, newEffect);
  }

  @Override
  public String toString() {
    return name + " -> " + code + (fields.isEmpty() ? "" : " naming " + String.join(", ", fields));
  }

  // --- effects ---------------------------------------------------------------------------------

  static Effect nothing() {
    return diff -> assertTrue(diff.isEmpty(), "nothing may be written, but: " + diff);
  }

  /** Only the tombstone of {@code txnId} in {@code file}'s barrier: a cancel of an unknown txn. */
  static Effect tombstone(String file, String txnId) {
    return diff -> {
      assertOnlyAdded(diff, Set.of(file + ":txn_barrier"));
      Row row = single(diff.added(file + ":txn_barrier"));
      assertEquals(txnId, row.text("txn_id"));
      assertEquals("CANCELLED", row.text("state"));
    };
  }

  /** Only the abort of {@code txnId} in the orchestrator's log: resolving a stranger. */
  static Effect abortRecorded(String txnId) {
    return diff -> {
      assertOnlyAdded(diff, Set.of("orchestrator.db:signup_txn"));
      Row row = single(diff.added("orchestrator.db:signup_txn"));
      assertEquals(txnId, row.text("txn_id"));
      assertEquals("ABORTED", row.text("state"));
    };
  }

  /**
   * A log-in's only write: the throttle's rows in client.db (a failure counts a row per hashed
   * e-mail and caller address; a success clears the e-mail's). No e-mail or address is stored
   * in clear.
   */
  static Effect onlyTheLoginThrottle() {
    return diff -> {
      Set<String> tables = new java.util.HashSet<>(diff.added().keySet());
      tables.addAll(diff.removed().keySet());
      assertTrue(Set.of("client.db:login_failures").containsAll(tables),
          "only the log-in throttle may change, but: " + diff);
      for (Row row : diff.added("client.db:login_failures")) {
        assertTrue(row.text("throttle_key").matches("[0-9a-f]{64}"),
            "keys are SHA-256 hashes: " + row);
      }
    };
  }

  /** One whole sign-up, data stored as sent: a confirmed client, its subscription, the log. */
  static Effect signedUp(String email, String name) {
    return diff -> {
      assertOnlyAdded(diff, Set.of("client.db:clients", "client.db:txn_barrier",
          "subscription.db:subscriptions", "subscription.db:txn_barrier",
          "orchestrator.db:signup_txn"));
      Row log = single(diff.added("orchestrator.db:signup_txn"));
      Row client = single(diff.added("client.db:clients"));
      Row subscription = single(diff.added("subscription.db:subscriptions"));
      assertEquals("DONE", log.text("state"));
      assertEquals(Map.of("email", email, "name", name, "status", "CONFIRMED"),
          Map.of("email", client.text("email"), "name", client.text("name"),
              "status", client.text("status")));
      assertEquals(client.text("client_id"), subscription.text("client_id"));
      assertEquals("ACTIVE", subscription.text("status"));
      for (String barrier : List.of("client.db:txn_barrier", "subscription.db:txn_barrier")) {
        Row row = single(diff.added(barrier));
        assertEquals(log.text("txn_id"), row.text("txn_id"));
        assertEquals("CONFIRMED", row.text("state"));
      }
    };
  }

  /**
   * A sign-up refused by a participant: its log row ends ABORTED with {@code failureKind}, and
   * the participants keep at most a cancelled barrier row (a tombstone) for it, no data.
   */
  static Effect refusedSignup(String failureKind) {
    return diff -> {
      assertOnlyAdded(diff, Set.of("orchestrator.db:signup_txn", "client.db:txn_barrier",
          "subscription.db:txn_barrier"));
      Row log = single(diff.added("orchestrator.db:signup_txn"));
      assertEquals("ABORTED", log.text("state"));
      assertEquals(failureKind, log.text("failure_kind"));
      for (String barrier : List.of("client.db:txn_barrier", "subscription.db:txn_barrier")) {
        for (Row row : diff.added(barrier)) {
          assertEquals(log.text("txn_id"), row.text("txn_id"));
          assertEquals("CANCELLED", row.text("state"));
        }
      }
    };
  }

  private static void assertOnlyAdded(Diff diff, Set<String> tables) {
    assertTrue(diff.removed().isEmpty(), "nothing may be removed, but: " + diff.removed());
    assertTrue(tables.containsAll(diff.added().keySet()),
        "rows may be added only to " + tables + ", but: " + diff.added());
  }

  private static Row single(List<Row> rows) {
    assertEquals(1, rows.size(), "exactly one row added: " + rows);
    return rows.get(0);
  }

  // --- the system under test -------------------------------------------------------------------

  /**
   * The running system and the one sign-up made before the table runs (a confirmed client and
   * subscription, for the cases that need one).
   */
  record Fixture(SignupSystem system, String seedTxnId, String seedClientId) {
    static final String SEED_EMAIL = "seed@example.com";
    static final String SEED_NAME = "Seed Client";
    static final String SEED_REQUEST_ID = "seed-request";

    SignupServiceGrpc.SignupServiceBlockingStub signups() {
      return system.signups();
    }

    TransactionCoordinatorGrpc.TransactionCoordinatorBlockingStub coordinator() {
      return system.coordinator();
    }

    ClientServiceGrpc.ClientServiceBlockingStub clients() {
      return system.clients();
    }

    ClientParticipantGrpc.ClientParticipantBlockingStub clientParticipant() {
      return system.clientParticipant();
    }

    SubscriptionServiceGrpc.SubscriptionServiceBlockingStub subscriptions() {
      return system.subscriptions();
    }

    SubscriptionParticipantGrpc.SubscriptionParticipantBlockingStub subscriptionParticipant() {
      return system.subscriptionParticipant();
    }

    /**
     * Sends {@code request} as it is, bytes the generated stubs could never produce, to the
     * server of {@code method}, with the internal token (as the fixture's stubs do).
     */
    byte[] raw(MethodDescriptor<?, ?> method, byte[] request) {
      String service = method.getServiceName();
      int port = service.startsWith("signup.orchestrator.") ? system.orchestratorPort
          : service.startsWith("signup.client.") ? system.clientPort : system.subscriptionPort;
      Channel channel = system.internal(system.channel(port));
      MethodDescriptor<byte[], byte[]> asBytes = method.toBuilder(FaultyProxy.BYTES,
          FaultyProxy.BYTES).build();
      return ClientCalls.blockingUnaryCall(channel, asBytes,
          CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
    }
  }
}
