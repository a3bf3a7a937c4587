package signup.bench;

/** A self-hosted service did not start; the message carries the end of its log. */
public final class SystemStartException extends RuntimeException {
  SystemStartException(String message) {
    super(message);
  }
}
