package signup.subscription.domain;

/** The client already has a subscription (pending or active); a client has one at most. */
public final class SubscriptionExistsException extends RuntimeException {
  private final String clientId;

  public SubscriptionExistsException(String clientId) {
    super("client " + clientId + " already has a subscription");
    this.clientId = clientId;
  }

  public String clientId() {
    return clientId;
  }
}
