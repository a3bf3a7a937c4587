package signup.common.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SignupFieldsTest {

  // --- e-mail ---------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"a@b.co", "alice@example.com", "alice.smith+tag@mail.example.org",
      "o'brien@example.ie", "x_y-z@sub-domain.example.travel", "1234@example.com"})
  void wellFormedEmailsAreAccepted(String email) {
    assertEquals(List.of(), violations(v -> SignupFields.checkEmail(v, "email", email)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice.example.com", "alice@", "@example.com", "alice@@example.com",
      "alice smith@example.com", "alice@exa mple.com", "alice@example", "alice@example.c",
      ".alice@example.com", "alice.@example.com", "alice..smith@example.com",
      "alice@-example.com", "alice@example-.com", "\"alice\"@example.com", "alice@[127.0.0.1]",
      "alice\u0000@example.com", "ali\u0007ce@example.com", "alice@example.com\n",
      "ali\u202Ece@example.com", "alïce@example.com", "alice@exämple.com"})
  void malformedEmailsAreRejected(String email) {
    assertEquals(List.of(new FieldViolation("email", "not a valid address")),
        violations(v -> SignupFields.checkEmail(v, "email", email)));
  }

  @Test
  void emptyEmailIsRequired() {
    assertEquals(List.of(new FieldViolation("email", "is required")),
        violations(v -> SignupFields.checkEmail(v, "email", SignupFields.normaliseEmail(null))));
    assertEquals(List.of(new FieldViolation("email", "is required")),
        violations(v -> SignupFields.checkEmail(v, "email", SignupFields.normaliseEmail("  "))));
  }

  @Test
  void emailOf254CharactersIsAcceptedAnd255IsTooLong() {
    String local = "a".repeat(64);
    String domain254 = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(57) + ".com";
    String longest = local + "@" + domain254;
    String tooLong = local + "@" + "e" + domain254;
    assertEquals(254, longest.length());
    assertEquals(255, tooLong.length());

    assertEquals(List.of(), violations(v -> SignupFields.checkEmail(v, "email", longest)));
    assertEquals(List.of(new FieldViolation("email", "longer than 254 characters")),
        violations(v -> SignupFields.checkEmail(v, "email", tooLong)));
  }

  @Test
  void localPartOf64CharactersIsAcceptedAnd65IsRejected() {
    assertEquals(List.of(), violations(v ->
        SignupFields.checkEmail(v, "email", "a".repeat(64) + "@example.com")));
    assertEquals(List.of(new FieldViolation("email", "not a valid address")), violations(v ->
        SignupFields.checkEmail(v, "email", "a".repeat(65) + "@example.com")));
  }

  @Test
  void emailIsNormalisedByTrimmingAndLowerCasing() {
    assertEquals("alice.smith@example.com",
        SignupFields.normaliseEmail("  Alice.Smith@Example.COM \t\n"));
    assertEquals("", SignupFields.normaliseEmail(null));
  }

  @Test
  void lowerCasingDoesNotDependOnTheDefaultLocale() {
    // In a Turkish locale "I".toLowerCase() is a dotless i, which would break the address.
    java.util.Locale saved = java.util.Locale.getDefault();
    try {
      java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR"));
      assertEquals("info@example.com", SignupFields.normaliseEmail("INFO@EXAMPLE.COM"));
    } finally {
      java.util.Locale.setDefault(saved);
    }
  }

  @Test
  void onlyAsciiLettersAreLowerCasedSoAKelvinSignDoesNotBecomeAnAsciiK() {
    String kelvin = SignupFields.normaliseEmail("\u212Aelvin@example.com");

    assertEquals("\u212Aelvin@example.com", kelvin);
    assertEquals(List.of(new FieldViolation("email", "not a valid address")),
        violations(v -> SignupFields.checkEmail(v, "email", kelvin)));
  }

  // --- name -----------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"A", "Alice", "José Ñúñez", "李小龍", "Zoë O'Brien-Smith", "Ærøskøbing 2nd",
      "Дмитрий", "محمد"})
  void namesInAnyScriptAreAccepted(String name) {
    assertEquals(List.of(), violations(v -> SignupFields.checkName(v, "name", name)));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "   ", "\t\n"})
  void missingNameIsRequired(String name) {
    assertEquals(List.of(new FieldViolation("name", "is required")),
        violations(v -> SignupFields.checkName(v, "name", name)));
  }

  @Test
  void nameOf200CodePointsIsAcceptedAnd201IsTooLong() {
    // U+1D49C, a mathematical script A: one letter, two UTF-16 chars.
    String scriptA = "\uD835\uDC9C";
    assertTrue(Character.isLetter(scriptA.codePointAt(0)));

    assertEquals(List.of(), violations(v ->
        SignupFields.checkName(v, "name", scriptA.repeat(200))));
    assertEquals(List.of(new FieldViolation("name", "longer than 200 characters")),
        violations(v -> SignupFields.checkName(v, "name", "a".repeat(201))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"12345", "---", "!!!", "\u00A0"})
  void nameWithoutALetterIsRejected(String name) {
    assertEquals(List.of(new FieldViolation("name", "must contain a letter")),
        violations(v -> SignupFields.checkName(v, "name", name)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bob\u0000", "Bo\nb", "Bob\u0007", "Bob\u007F", "Bob\u0085",
      "Bob\uD800", "Bob\uE000", "Bob\uFFFD"})
  void nameWithControlOrInvalidCharactersIsRejected(String name) {
    assertEquals(List.of(new FieldViolation("name", "contains control or invalid characters")),
        violations(v -> SignupFields.checkName(v, "name", name)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bob\u202Etxt.exe", "\u202EBob", "Bob\u202A", "Bob\u202D",
      "Bob\u2066x\u2069", "Bob\u2067", "Bob\u200E", "Bob\u200F", "Bob\u061C"})
  void nameWithATextDirectionControlIsRefusedNamingTheCharacter(String name) {
    int control = name.codePoints().filter(c -> !Character.isLetter(c) && c != '.')
        .findFirst().orElseThrow();

    assertEquals(List.of(new FieldViolation("name",
            String.format("contains a text-direction control (U+%04X)", control))),
        violations(v -> SignupFields.checkName(v, "name", name)));
  }

  @Test
  void nameOf199RightToLeftOverridesAfterOneLetterIsRefused() {
    assertEquals(List.of(new FieldViolation("name",
            "contains a text-direction control (U+202E)")),
        violations(v -> SignupFields.checkName(v, "name", "A" + "\u202E".repeat(199))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Ada\u2028Lovelace", "Ada\u2029", "\u2028Ada"})
  void nameWithALineOrParagraphSeparatorIsRefused(String name) {
    int separator = name.codePoints().filter(c -> !Character.isLetter(c)).findFirst()
        .orElseThrow();

    assertEquals(List.of(new FieldViolation("name",
            String.format("contains a line or paragraph separator (U+%04X)", separator))),
        violations(v -> SignupFields.checkName(v, "name", name)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Ada\u200BLovelace", "Ada\uFEFF", "Ad\u00ADa", "Ada\u2060",
      "Ada\uDB40\uDC01"})
  void nameWithAnotherInvisibleFormattingCharacterIsRefused(String name) {
    int format = name.codePoints().filter(c -> !Character.isLetter(c)).findFirst()
        .orElseThrow();

    assertEquals(List.of(new FieldViolation("name",
            String.format("contains an invisible formatting character (U+%04X)", format))),
        violations(v -> SignupFields.checkName(v, "name", name)));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "\u0639\u0644\u06CC\u200C\u0631\u0636\u0627", // Persian Ali-Reza, a ZWNJ inside
      "\u0915\u094D\u200D\u0937", // Devanagari ka, virama, ZWJ, ssa: a half form
      "Nguye\u0302\u0303n", // Vietnamese, decomposed: two marks on one letter
      "Zoe\u0308\u0301\u0300\u0302"}) // four marks, the most allowed
  void namesThatNeedJoinersOrSeveralMarksAreAccepted(String name) {
    assertEquals(List.of(), violations(v -> SignupFields.checkName(v, "name", name)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u200CAli", "Ali\u200D", "Al\u200C\u200Ci", "Al \u200Di"})
  void zeroWidthJoinersThatJoinNothingAreRefused(String name) {
    int joiner = name.codePoints().filter(c -> c == 0x200C || c == 0x200D).findFirst()
        .orElseThrow();

    assertEquals(List.of(new FieldViolation("name", String.format(
            "contains a zero-width joiner between no two visible characters (U+%04X)", joiner))),
        violations(v -> SignupFields.checkName(v, "name", name)));
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 150})
  void nameWithMoreThanFourCombiningMarksOnOneCharacterIsRefused(int marks) {
    String name = "Zalgo" + "\u0301".repeat(marks);

    assertEquals(List.of(new FieldViolation("name",
            "has more than 4 combining marks on one character")),
        violations(v -> SignupFields.checkName(v, "name", name)));
  }

  @Test
  void aMessageEchoingInputReplacesCharactersThatWouldReorderIt() {
    assertEquals(List.of(new FieldViolation("region",
            "unknown code U?S? (expected ISO 3166-1 alpha-2, like US)")),
        violations(v -> SignupFields.checkRegion(v, "region", "U\u202ES\u2028")));
  }

  // --- device ---------------------------------------------------------------------------------

  @Test
  void aMissingOrUnknownDeviceGetsTheOneWordingOfTheRule() {
    assertEquals(List.of(new FieldViolation("device", "must be one of IOS, ANDROID, WEB")),
        violations(v -> SignupFields.checkDevice(v, "device", null)));
    for (Device device : Device.values()) {
      assertEquals(List.of(), violations(v -> SignupFields.checkDevice(v, "device", device)));
    }
  }

  // --- password -------------------------------------------------------------------------------

  @Test
  void passwordOf8To128CodePointsIsAccepted() {
    String emoji = "\uD83D\uDE00";
    for (String password : List.of("a".repeat(8), "a".repeat(128), emoji.repeat(8),
        emoji.repeat(128), "correct horse battery staple")) {
      assertEquals(List.of(), violations(v -> SignupFields.checkPassword(v, "password", password)),
          password);
    }
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = "")
  void missingPasswordIsRequiredLikeEveryOtherMissingField(String password) {
    assertEquals(List.of(new FieldViolation("password", "is required")),
        violations(v -> SignupFields.checkPassword(v, "password", password)));
  }

  @Test
  void passwordShorterThan8CodePointsIsRejectedEvenIfItHasMoreChars() {
    String emoji = "\uD83D\uDE00";
    for (String password : new String[] {"a", "a".repeat(7), emoji.repeat(7)}) {
      assertEquals(List.of(new FieldViolation("password", "shorter than 8 characters")),
          violations(v -> SignupFields.checkPassword(v, "password", password)));
    }
  }

  @Test
  void passwordLongerThan128CodePointsIsRejected() {
    assertEquals(List.of(new FieldViolation("password", "longer than 128 characters")),
        violations(v -> SignupFields.checkPassword(v, "password", "a".repeat(129))));
    assertEquals(List.of(new FieldViolation("password", "longer than 128 characters")),
        violations(v -> SignupFields.checkPassword(v, "password", "\uD83D\uDE00".repeat(129))));
  }

  @Test
  void passwordWithControlCharactersIsRejected() {
    assertEquals(List.of(new FieldViolation("password", "contains control or invalid characters")),
        violations(v -> SignupFields.checkPassword(v, "password", "abcd\u0000efgh")));
  }

  // --- region ---------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"US", "GB", "DE", "JP", "BR"})
  void realIsoCountryCodesAreAccepted(String region) {
    assertEquals(List.of(), violations(v -> SignupFields.checkRegion(v, "region", region)));
    assertTrue(SignupFields.isValidRegion(region));
  }

  @Test
  void regionIsNormalisedToUpperCase() {
    assertEquals("DE", SignupFields.normaliseRegion(" de "));
    assertEquals("", SignupFields.normaliseRegion(null));
    assertEquals(List.of(), violations(v ->
        SignupFields.checkRegion(v, "region", SignupFields.normaliseRegion("de"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\uFB01", "\u0131t", "\u017Fe", "\u00DF"})
  void onlyAsciiLettersAreUpperCasedSoLigaturesAndDotlessIsAreNoRegion(String region) {
    // Unicode upper-casing would make them FI, IT, SE and SS: real codes the caller never sent.
    String normalised = SignupFields.normaliseRegion(region);

    assertTrue(!SignupFields.isValidRegion(normalised), normalised);
    assertEquals(1, violations(v -> SignupFields.checkRegion(v, "region", normalised)).size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ZZ", "USA", "UK", "U", "de", "1A"})
  void unknownRegionCodesAreRejectedNamingTheCode(String region) {
    assertEquals(List.of(new FieldViolation("region",
            "unknown code " + region + " (expected ISO 3166-1 alpha-2, like US)")),
        violations(v -> SignupFields.checkRegion(v, "region", region)));
    assertTrue(!SignupFields.isValidRegion(region));
  }

  @Test
  void emptyRegionIsRequired() {
    assertEquals(List.of(new FieldViolation("region", "is required")),
        violations(v -> SignupFields.checkRegion(v, "region", "")));
  }

  @Test
  void regionEchoedInAMessageIsCutAndFreeOfControlCharacters() {
    List<FieldViolation> found = violations(v ->
        SignupFields.checkRegion(v, "region", "Z\u0007" + "X".repeat(40)));
    assertEquals(List.of(new FieldViolation("region",
            "unknown code Z?" + "X".repeat(14) + "... (expected ISO 3166-1 alpha-2, like US)")),
        found);
  }

  // --- ids ------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"6f1c2b9e-5a4d-4c3e-9b8a-7d6e5f4a3b2c", "req-1", "~!x"})
  void printableAsciiIdsAreAccepted(String id) {
    assertEquals(List.of(), violations(v -> SignupFields.checkId(v, "txn_id", id)));
  }

  @Test
  void idOf128CharactersIsAcceptedAnd129IsTooLong() {
    assertEquals(List.of(), violations(v -> SignupFields.checkId(v, "txn_id", "a".repeat(128))));
    assertEquals(List.of(new FieldViolation("txn_id", "longer than 128 characters")),
        violations(v -> SignupFields.checkId(v, "txn_id", "a".repeat(129))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a b", "é", "tab\there", "new\nline"})
  void idsWithSpacesOrNonAsciiAreRejected(String id) {
    assertEquals(List.of(new FieldViolation("txn_id", "must be printable ASCII without spaces")),
        violations(v -> SignupFields.checkId(v, "txn_id", id)));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = "")
  void missingIdIsRequired(String id) {
    assertEquals(List.of(new FieldViolation("txn_id", "is required")),
        violations(v -> SignupFields.checkId(v, "txn_id", id)));
  }

  // --- all together ---------------------------------------------------------------------------

  @Test
  void everyBadFieldIsReportedAtOnceInOneReadableMessage() {
    Violations v = new Violations();
    SignupFields.checkEmail(v, "email", SignupFields.normaliseEmail("not-an-address"));
    SignupFields.checkName(v, "name", "Alice");
    SignupFields.checkPassword(v, "password", "short");
    SignupFields.checkRegion(v, "region", SignupFields.normaliseRegion("zz"));

    InvalidInputException invalid = assertThrows(InvalidInputException.class, v::throwIfAny);

    assertEquals(List.of(
        new FieldViolation("email", "not a valid address"),
        new FieldViolation("password", "shorter than 8 characters"),
        new FieldViolation("region", "unknown code ZZ (expected ISO 3166-1 alpha-2, like US)")),
        invalid.violations());
    assertEquals("email: not a valid address; password: shorter than 8 characters; "
        + "region: unknown code ZZ (expected ISO 3166-1 alpha-2, like US)", invalid.getMessage());
  }

  @Test
  void noViolationsMeansNothingIsThrown() {
    Violations v = new Violations();
    SignupFields.checkEmail(v, "email", "alice@example.com");
    assertTrue(v.isEmpty());
    v.throwIfAny();
  }

  @Test
  void anInvalidInputExceptionNeedsAViolation() {
    assertThrows(IllegalArgumentException.class, () -> new InvalidInputException(List.of()));
  }

  @Test
  void singleViolationShortcutNamesTheField() {
    InvalidInputException invalid =
        InvalidInputException.of("request_id", "used with another payload");
    assertEquals("request_id: used with another payload", invalid.getMessage());
    assertEquals(List.of(new FieldViolation("request_id", "used with another payload")),
        invalid.violations());
  }

  private static List<FieldViolation> violations(Consumer<Violations> check) {
    Violations v = new Violations();
    check.accept(v);
    try {
      v.throwIfAny();
      return List.of();
    } catch (InvalidInputException e) {
      return e.violations();
    }
  }
}
