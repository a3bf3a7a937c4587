package signup.orchestrator.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import signup.common.domain.Device;
import signup.common.domain.FieldViolation;
import signup.common.domain.InvalidInputException;

/** Validation and normalisation of a sign-up before anything is written or sent. */
class SignupRequestTest {
  private static final String PASSWORD = "Tr0ub4dor&3-secret";

  private static SignupRequest valid(String requestId) {
    return SignupRequest.validate(requestId, "ada@example.com", "Ada Lovelace", PASSWORD, "US",
        Device.IOS);
  }

  private static List<String> badFields(Runnable validation) {
    InvalidInputException e = assertThrows(InvalidInputException.class, validation::run);
    return e.violations().stream().map(FieldViolation::field).toList();
  }

  @Test
  void emailIsTrimmedAndLowerCasedAndRegionUpperCased() {
    SignupRequest request = SignupRequest.validate(null, "  Ada.Lovelace@Example.COM \t",
        "  Ada Lovelace ", PASSWORD, " gb ", Device.WEB);

    assertEquals("ada.lovelace@example.com", request.email());
    assertEquals("GB", request.region());
    assertEquals("Ada Lovelace", request.name());
    assertEquals(Device.WEB, request.device());
    assertEquals(PASSWORD, request.password());
  }

  @Test
  void everyBadFieldIsReportedAtOnce() {
    List<String> fields = badFields(() -> SignupRequest.validate("has space", "not-an-email",
        " ", "short", "ZZ", null));

    assertEquals(List.of("request_id", "email", "name", "password", "region", "device"), fields);
  }

  @Test
  void theMessageAloneNamesEveryBadField() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> SignupRequest.validate(null, "nobody@", "Ada", PASSWORD, "zz", Device.IOS));

    assertTrue(e.getMessage().contains("email: not a valid address"), e.getMessage());
    assertTrue(e.getMessage().contains("region: unknown code ZZ"), e.getMessage());
  }

  @Test
  void missingFieldsAreReportedAsRequiredInsteadOfCrashing() {
    List<String> fields = badFields(() -> SignupRequest.validate(null, null, null, null, null,
        null));

    assertEquals(List.of("email", "name", "password", "region", "device"), fields);
  }

  @Test
  void aRequestWithoutRequestIdHasAnEmptyOne() {
    assertEquals("", valid(null).requestId());
    assertFalse(valid(null).hasRequestId());
    assertEquals("", valid("").requestId());
    assertFalse(valid("").hasRequestId());
  }

  @Test
  void aRequestIdOfPrintableAsciiUpTo128CharactersIsKept() {
    String longest = "k".repeat(128);

    assertEquals("req-1:{abc}", valid("req-1:{abc}").requestId());
    assertTrue(valid("req-1:{abc}").hasRequestId());
    assertEquals(longest, valid(longest).requestId());
  }

  @Test
  void aRequestIdWithSpacesNonAsciiOrOver128CharactersIsRefused() {
    assertEquals(List.of("request_id"), badFields(() -> valid("two words")));
    assertEquals(List.of("request_id"), badFields(() -> valid("caf\u00e9")));
    assertEquals(List.of("request_id"), badFields(() -> valid("k".repeat(129))));
  }

  @Test
  void theFingerprintIsEqualForTheSamePayloadAfterNormalisation() {
    SignupRequest first = SignupRequest.validate("r1", "ada@example.com", "Ada Lovelace",
        PASSWORD, "US", Device.IOS);
    SignupRequest second = SignupRequest.validate("r1", " ADA@example.com ", "Ada Lovelace",
        PASSWORD, "us", Device.IOS);

    assertEquals(first.fingerprint(), second.fingerprint());
  }

  @Test
  void theFingerprintDoesNotDependOnThePassword() {
    SignupRequest first = SignupRequest.validate("r1", "ada@example.com", "Ada Lovelace",
        PASSWORD, "US", Device.IOS);
    SignupRequest other = SignupRequest.validate("r1", "ada@example.com", "Ada Lovelace",
        "a-completely-different-one", "US", Device.IOS);

    assertEquals(first.fingerprint(), other.fingerprint());
    assertFalse(first.fingerprint().contains(PASSWORD));
  }

  @Test
  void theFingerprintDiffersWhenAnyPayloadFieldDiffers() {
    String base = valid("r1").fingerprint();

    assertNotEquals(base, SignupRequest.validate("r1", "bob@example.com", "Ada Lovelace",
        PASSWORD, "US", Device.IOS).fingerprint());
    assertNotEquals(base, SignupRequest.validate("r1", "ada@example.com", "Ada King",
        PASSWORD, "US", Device.IOS).fingerprint());
    assertNotEquals(base, SignupRequest.validate("r1", "ada@example.com", "Ada Lovelace",
        PASSWORD, "GB", Device.IOS).fingerprint());
    assertNotEquals(base, SignupRequest.validate("r1", "ada@example.com", "Ada Lovelace",
        PASSWORD, "US", Device.ANDROID).fingerprint());
  }

  @Test
  void toStringNeverContainsThePassword() {
    SignupRequest request = valid("r1");

    assertFalse(request.toString().contains(PASSWORD), request.toString());
    assertTrue(request.toString().contains("ada@example.com"), request.toString());
  }
}
