package signup.orchestrator.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import signup.common.domain.Device;
import signup.common.domain.SignupFields;
import signup.common.domain.Violations;

/**
 * A validated, normalised sign-up. Built only through {@link #validate}, which reports every bad
 * field at once; the password lives here only for the way to the client participant.
 */
public final class SignupRequest {
  private final String requestId;
  private final String email;
  private final String name;
  private final String password;
  private final String region;
  private final Device device;

  private SignupRequest(String requestId, String email, String name, String password,
      String region, Device device) {
    this.requestId = requestId;
    this.email = email;
    this.name = name;
    this.password = password;
    this.region = region;
    this.device = device;
  }

  /**
   * Checks and normalises raw input (email trimmed and lower-cased, region upper-cased).
   *
   * @param requestId empty or null when the caller sent none
   * @param device null when unspecified or unknown
   * @throws signup.common.domain.InvalidInputException naming every bad field
   */
  public static SignupRequest validate(String requestId, String email, String name,
      String password, String region, Device device) {
    Violations violations = new Violations();
    String key = requestId == null ? "" : requestId;
    if (!key.isEmpty()) {
      SignupFields.checkId(violations, "request_id", key);
    }
    String normalisedEmail = SignupFields.normaliseEmail(email);
    SignupFields.checkEmail(violations, "email", normalisedEmail);
    SignupFields.checkName(violations, "name", name);
    SignupFields.checkPassword(violations, "password", password);
    String normalisedRegion = SignupFields.normaliseRegion(region);
    SignupFields.checkRegion(violations, "region", normalisedRegion);
    SignupFields.checkDevice(violations, "device", device);
    violations.throwIfAny();
    return new SignupRequest(key, normalisedEmail, name.strip(), password, normalisedRegion,
        device);
  }

  /** Empty when the caller sent no idempotency key. */
  public String requestId() {
    return requestId;
  }

  public boolean hasRequestId() {
    return !requestId.isEmpty();
  }

  public String email() {
    return email;
  }

  public String name() {
    return name;
  }

  public String password() {
    return password;
  }

  public String region() {
    return region;
  }

  public Device device() {
    return device;
  }

  /**
   * What makes two requests with one request_id "the same payload". The password is left out on
   * purpose: a fast hash of it in the orchestrator's log would be an offline-crackable copy.
   */
  public String fingerprint() {
    String payload = String.join("\u0000", email, name, region, device.name());
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(payload.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "SignupRequest[email=" + email + ", region=" + region + ", device=" + device + "]";
  }
}
