package signup.client.domain;

import signup.common.domain.Device;

/**
 * What a reserve writes: the client's fields, already validated and normalised, and the PHC
 * string of its password. {@link #toString()} leaves the hash out, so it cannot reach a log.
 */
public record PendingClient(String txnId, String clientId, String email, String name,
    String region, Device device, String passwordHash) {

  @Override
  public String toString() {
    return "PendingClient[txnId=" + txnId + ", clientId=" + clientId + "]";
  }
}
