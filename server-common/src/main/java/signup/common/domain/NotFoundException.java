package signup.common.domain;

/** The thing asked for does not exist (or is not visible yet): a client, plan, txn, sign-up. */
public final class NotFoundException extends RuntimeException {
  public NotFoundException(String message) {
    super(message);
  }

  /**
   * The one wording for a thing looked up by an id: "no client with client_id 0190...", the id
   * whole (it was checked to be a short printable id before the look-up).
   */
  public static NotFoundException of(String thing, String field, String id) {
    return new NotFoundException("no " + thing + " with " + field + " " + id);
  }
}
