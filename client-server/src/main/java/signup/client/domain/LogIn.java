package signup.client.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.domain.SignupFields;
import signup.common.domain.Violations;

/**
 * Logging in: an e-mail and a password in, an access token out.
 *
 * <p>A wrong password and an unknown e-mail are one answer ({@link WrongCredentialsException})
 * reached by the same work: one write counting the attempt, one read, one password hash (of a
 * dummy hash when nobody has the e-mail). So neither the answer nor its time tells who is
 * registered.
 *
 * <p>Attempts are counted per e-mail and per caller address ({@link LoginThrottleSettings})
 * before the password is checked, in one write, so that attempts sent in parallel cannot all
 * pass the check before any failure is counted. Past the limit, attempts are refused with
 * {@link TooManyLoginFailuresException} before any hash, until the window that began with the
 * first attempt ends. A success forgets the e-mail's count and takes back only its own attempt
 * from the address's (one's own account must not wipe out the count of an address trying
 * others'). The counts are kept under a SHA-256 of the e-mail or address, so the store does not
 * collect the addresses people mistype.
 */
public final class LogIn {
  private static final Logger log = LoggerFactory.getLogger(LogIn.class);

  private final ClientStore clients;
  private final LoginFailureStore failures;
  private final PasswordHasher hasher;
  private final AccessTokenPort tokens;
  private final LoginThrottleSettings throttle;
  private final InstantSource clock;
  /** Verified against when nobody has the e-mail, at the cost every real hash has now. */
  private final String dummyHash;

  public LogIn(ClientStore clients, LoginFailureStore failures, PasswordHasher hasher,
      AccessTokenPort tokens, LoginThrottleSettings throttle, InstantSource clock) {
    this.clients = clients;
    this.failures = failures;
    this.hasher = hasher;
    this.tokens = tokens;
    this.throttle = throttle;
    this.clock = clock;
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    this.dummyHash = hasher.hash(Base64.getEncoder().encodeToString(random));
  }

  /**
   * @param callerAddress the network address the attempt came from
   * @throws signup.common.domain.InvalidInputException for an empty or oversized e-mail or
   *     password (such an attempt is not counted: no password was tried)
   * @throws TooManyLoginFailuresException when the e-mail or the address is throttled
   * @throws WrongCredentialsException when the e-mail and password do not match
   */
  public AccessGrant logIn(String email, String password, String callerAddress) {
    String normalised = SignupFields.normaliseEmail(email);
    Violations v = new Violations();
    SignupFields.checkEmail(v, "email", normalised);
    if (password == null || password.isEmpty()) {
      v.add("password", "is required");
    } else if (password.codePointCount(0, password.length()) > SignupFields.PASSWORD_MAX) {
      v.add("password", "longer than " + SignupFields.PASSWORD_MAX + " characters");
    }
    v.throwIfAny();

    String emailKey = key("email:" + normalised);
    String addressKey = key("address:" + callerAddress);
    Instant now = clock.instant();
    Map<String, LoginFailureStore.Failures> attempts = failures.countAttempt(
        List.of(emailKey, addressKey), now, now.minus(throttle.window()));
    refuseIfThrottled(attempts.get(emailKey), throttle.perEmail(), now);
    refuseIfThrottled(attempts.get(addressKey), throttle.perAddress(), now);

    Optional<Credentials> credentials = clients.findCredentials(normalised);
    boolean matches = hasher.verify(password,
        credentials.map(Credentials::passwordHash).orElse(dummyHash));
    if (!matches || credentials.isEmpty()) {
      // The attempt stays counted: it was a failure.
      log.debug("log-in refused: wrong e-mail or password");
      throw new WrongCredentialsException();
    }
    failures.succeeded(emailKey, List.of(addressKey));
    AccessGrant grant = tokens.issue(credentials.get().clientId(), normalised);
    log.debug("client_id={} logged in", grant.clientId());
    return grant;
  }

  /** Refuses the attempt when, counted, it is past the limit of its window. */
  private void refuseIfThrottled(LoginFailureStore.Failures counted, int limit, Instant now) {
    if (counted.count() <= limit) {
      return;
    }
    Instant until = counted.windowStart().plus(throttle.window());
    throw new TooManyLoginFailuresException(
        now.isBefore(until) ? Duration.between(now, until) : Duration.ZERO);
  }

  private static String key(String value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
