package signup.common.domain;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules for the sign-up fields, shared by every service that accepts them, so that the
 * orchestrator and the participants can never disagree on what is valid.
 */
public final class SignupFields {
  public static final int EMAIL_MAX = 254;
  public static final int NAME_MAX = 200;
  public static final int PASSWORD_MIN = 8;
  public static final int PASSWORD_MAX = 128;
  public static final int ID_MAX = 128;

  private static final Set<String> REGIONS = Set.of(Locale.getISOCountries());

  // A pragmatic subset of RFC 5321: a dot-atom local part and a domain of LDH labels with a
  // dot. Quoted local parts and IP literals are refused on purpose: they are almost always typos.
  private static final Pattern EMAIL =
      Pattern.compile(
          "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
              + "@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$");
  // A UUID-like or client-chosen key: printable ASCII without spaces.
  private static final Pattern ID = Pattern.compile("^[\\x21-\\x7E]+$");

  private SignupFields() {}

  /** Trimmed and lower-cased: the form an e-mail is stored and compared in. */
  public static String normaliseEmail(String email) {
    return email == null ? "" : asciiCase(email.strip(), false);
  }

  public static String normaliseRegion(String region) {
    return region == null ? "" : asciiCase(region.strip(), true);
  }

  /**
   * Changes the case of ASCII letters only. Unicode case mapping would turn the Kelvin sign into
   * "k", "ﬁ" into "FI" and "ıt" into "IT": strings that are no address or region code would then
   * pass as one, and be stored as one the caller never sent.
   */
  private static String asciiCase(String value, boolean upper) {
    char[] chars = value.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      char c = chars[i];
      if (upper && c >= 'a' && c <= 'z') {
        chars[i] = (char) (c - 'a' + 'A');
      } else if (!upper && c >= 'A' && c <= 'Z') {
        chars[i] = (char) (c - 'A' + 'a');
      }
    }
    return new String(chars);
  }

  /** Checks a normalised e-mail. */
  public static void checkEmail(Violations v, String field, String email) {
    if (email.isEmpty()) {
      v.add(field, "is required");
    } else if (email.length() > EMAIL_MAX) {
      v.add(field, "longer than " + EMAIL_MAX + " characters");
    } else if (local(email).length() > 64 || !EMAIL.matcher(email).matches()) {
      v.add(field, "not a valid address");
    }
  }

  public static void checkName(Violations v, String field, String name) {
    if (name == null || name.isBlank()) {
      v.add(field, "is required");
      return;
    }
    int length = name.codePointCount(0, name.length());
    if (length > NAME_MAX) {
      v.add(field, "longer than " + NAME_MAX + " characters");
    } else if (name.codePoints().anyMatch(SignupFields::isControlOrInvalid)) {
      v.add(field, "contains control or invalid characters");
    } else if (name.codePoints().noneMatch(Character::isLetter)) {
      v.add(field, "must contain a letter");
    }
  }

  public static void checkPassword(Violations v, String field, String password) {
    int length = password == null ? 0 : password.codePointCount(0, password.length());
    if (length < PASSWORD_MIN) {
      v.add(field, "shorter than " + PASSWORD_MIN + " characters");
    } else if (length > PASSWORD_MAX) {
      v.add(field, "longer than " + PASSWORD_MAX + " characters");
    } else if (password.codePoints().anyMatch(SignupFields::isControlOrInvalid)) {
      v.add(field, "contains control or invalid characters");
    }
  }

  /** Checks a normalised region code. */
  public static void checkRegion(Violations v, String field, String region) {
    if (region.isEmpty()) {
      v.add(field, "is required");
    } else if (!REGIONS.contains(region)) {
      v.add(field, "unknown code " + printable(region) + " (expected ISO 3166-1 alpha-2, like US)");
    }
  }

  /** Checks an id or key that we or the caller chose (txn_id, client_id, request_id). */
  public static void checkId(Violations v, String field, String id) {
    if (id == null || id.isEmpty()) {
      v.add(field, "is required");
    } else if (id.length() > ID_MAX) {
      v.add(field, "longer than " + ID_MAX + " characters");
    } else if (!ID.matcher(id).matches()) {
      v.add(field, "must be printable ASCII without spaces");
    }
  }

  public static boolean isValidRegion(String normalisedRegion) {
    return REGIONS.contains(normalisedRegion);
  }

  private static String local(String email) {
    int at = email.lastIndexOf('@');
    return at < 0 ? email : email.substring(0, at);
  }

  private static boolean isControlOrInvalid(int codePoint) {
    int type = Character.getType(codePoint);
    return Character.isISOControl(codePoint)
        || type == Character.SURROGATE
        || type == Character.UNASSIGNED
        || type == Character.PRIVATE_USE
        || codePoint == 0xFFFD;
  }

  /** Echoes user input into a message safely: short, and without control characters. */
  public static String printable(String value) {
    String cut = value.length() > 16 ? value.substring(0, 16) + "..." : value;
    return cut.codePoints()
        .map(c -> isControlOrInvalid(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }
}
