package signup.client.domain;

/**
 * The e-mail belongs to another client, pending or confirmed. The address is left out of the
 * message on purpose: the message may be logged.
 */
public final class EmailTakenException extends RuntimeException {
  public EmailTakenException() {
    super("email: already registered");
  }
}
