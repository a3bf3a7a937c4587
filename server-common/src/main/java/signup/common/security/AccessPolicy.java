package signup.common.security;

import io.grpc.MethodDescriptor;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import signup.client.v1.ClientParticipantGrpc;
import signup.client.v1.ClientServiceGrpc;
import signup.client.v1.GetClientByEmailRequest;
import signup.client.v1.GetClientRequest;
import signup.orchestrator.v1.SignupServiceGrpc;
import signup.orchestrator.v1.SignupStatus;
import signup.orchestrator.v1.TransactionCoordinatorGrpc;
import signup.subscription.v1.GetSubscriptionRequest;
import signup.subscription.v1.SubscribeRequest;
import signup.subscription.v1.SubscriptionParticipantGrpc;
import signup.subscription.v1.SubscriptionServiceGrpc;

/**
 * Who may call what, for every RPC of the three servers, in one table (the README's "Security"
 * section says the same in words). {@link Authorizer} enforces it; a method missing from the
 * table is refused. Health and reflection are not in it: they are open on every server.
 */
public final class AccessPolicy {
  /** What a method demands of its caller. */
  public sealed interface Rule {}

  /** Anyone. {@code needsAddress}: the call learns the caller's address (the log-in throttle). */
  public record Open(boolean needsAddress) implements Rule {}

  /** The internal token only: the services' calls to each other. */
  public record Internal() implements Rule {}

  /** The client's own access token (its {@code sub} is the request's client), or internal. */
  public record OwnClient(Function<Object, String> clientIdOf) implements Rule {}

  /** An access token whose e-mail is the request's e-mail, or the internal token. */
  public record OwnEmail(Function<Object, String> emailOf) implements Rule {}

  /**
   * Anyone; but unless the reply is about the caller's own client (or the caller is internal),
   * it is cut down by {@code redact}. A token, if one is sent, must be valid.
   */
  public record OwnReplyInFull(Function<Object, String> clientIdOfReply,
      UnaryOperator<Object> redact) implements Rule {}

  private static final AccessPolicy STANDARD = new AccessPolicy(standardRules());

  private final Map<String, Rule> rules;

  private AccessPolicy(Map<String, Rule> rules) {
    this.rules = Map.copyOf(rules);
  }

  /** The system's table. */
  public static AccessPolicy standard() {
    return STANDARD;
  }

  /** The rule of a full method name ("signup.client.v1.ClientService/GetClient"). */
  public Optional<Rule> rule(String fullMethodName) {
    return Optional.ofNullable(rules.get(fullMethodName));
  }

  private static Map<String, Rule> standardRules() {
    Map<String, Rule> table = new HashMap<>();
    // signup.orchestrator.v1
    open(table, SignupServiceGrpc.getSignupMethod());
    table.put(SignupServiceGrpc.getGetSignupMethod().getFullMethodName(),
        new OwnReplyInFull(reply -> ((SignupStatus) reply).getClientId(),
            reply -> stateAndIdsOnly((SignupStatus) reply)));
    internal(table, TransactionCoordinatorGrpc.getResolveTransactionMethod());
    // signup.client.v1
    table.put(ClientServiceGrpc.getLoginMethod().getFullMethodName(), new Open(true));
    open(table, ClientServiceGrpc.getGetPublicKeysMethod());
    ownClient(table, ClientServiceGrpc.getGetClientMethod(), GetClientRequest::getClientId);
    table.put(ClientServiceGrpc.getGetClientByEmailMethod().getFullMethodName(),
        new OwnEmail(request -> ((GetClientByEmailRequest) request).getEmail()));
    internal(table, ClientParticipantGrpc.getReserveMethod());
    internal(table, ClientParticipantGrpc.getConfirmMethod());
    internal(table, ClientParticipantGrpc.getConfirmBatchMethod());
    internal(table, ClientParticipantGrpc.getCancelMethod());
    // signup.subscription.v1
    open(table, SubscriptionServiceGrpc.getListPlansMethod());
    open(table, SubscriptionServiceGrpc.getQuotePlanMethod());
    ownClient(table, SubscriptionServiceGrpc.getGetSubscriptionMethod(),
        GetSubscriptionRequest::getClientId);
    ownClient(table, SubscriptionServiceGrpc.getSubscribeMethod(),
        SubscribeRequest::getClientId);
    internal(table, SubscriptionParticipantGrpc.getReserveMethod());
    internal(table, SubscriptionParticipantGrpc.getConfirmMethod());
    internal(table, SubscriptionParticipantGrpc.getConfirmBatchMethod());
    internal(table, SubscriptionParticipantGrpc.getCancelMethod());
    return table;
  }

  /** What anyone may know of a sign-up: its state and ids, nothing about the person. */
  static SignupStatus stateAndIdsOnly(SignupStatus full) {
    return SignupStatus.newBuilder()
        .setSignupId(full.getSignupId())
        .setRequestId(full.getRequestId())
        .setState(full.getState())
        .setClientId(full.getClientId())
        .setFailureCode(full.getFailureCode())
        .setCreatedAt(full.getCreatedAt())
        .setUpdatedAt(full.getUpdatedAt())
        .build();
  }

  private static void open(Map<String, Rule> table, MethodDescriptor<?, ?> method) {
    table.put(method.getFullMethodName(), new Open(false));
  }

  private static void internal(Map<String, Rule> table, MethodDescriptor<?, ?> method) {
    table.put(method.getFullMethodName(), new Internal());
  }

  @SuppressWarnings("unchecked")
  private static <Q> void ownClient(Map<String, Rule> table, MethodDescriptor<Q, ?> method,
      Function<Q, String> clientId) {
    table.put(method.getFullMethodName(),
        new OwnClient(request -> clientId.apply((Q) request)));
  }
}
