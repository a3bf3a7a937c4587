package signup.common.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rules for the sign-up fields, shared by every service that accepts them, so that the
 * orchestrator and the participants can never disagree on what is valid, nor word one rule two
 * ways. A field that is empty (or absent) is always "is required".
 */
public final class SignupFields {
  public static final int EMAIL_MAX = 254;
  public static final int NAME_MAX = 200;
  public static final int PASSWORD_MIN = 8;
  public static final int PASSWORD_MAX = 128;
  public static final int ID_MAX = 128;
  /**
   * Combining marks on one base character: Vietnamese needs two, Indic and Tibetan stacks a few
   * more; beyond that it is "Zalgo" text that overflows the lines around it. UTS #39's limit.
   */
  public static final int MARKS_PER_CHARACTER_MAX = 4;

  /** The one wording of the device rule, for every service. */
  static final String DEVICE_RULE = "must be one of " + Arrays.stream(Device.values())
      .map(Device::name).collect(Collectors.joining(", "));

  private static final Set<String> REGIONS = Set.of(Locale.getISOCountries());

  // A pragmatic subset of RFC 5321: a dot-atom local part and a domain of LDH labels with a
  // dot. Quoted local parts and IP literals are refused on purpose: they are almost always typos.
  private static final Pattern EMAIL =
      Pattern.compile(
          "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
              + "@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$");
  // A UUID-like or client-chosen key: printable ASCII without spaces (U+0021 to U+007E). A space
  // is refused on purpose: it is invisible at the end of a key, and ids are written into logs as
  // key=value.
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

  /**
   * A display name: 1-200 characters, at least one letter, in any script. Refused besides
   * control characters: characters that change how the text around the name is shown rather
   * than showing themselves (after a right-to-left override, U+202E, "Bob" + U+202E +
   * "txt.exe" shows as "Bobexe.txt"; a line separator breaks a list of names), and piles of
   * combining marks. Zero-width (non-)joiners stay allowed between two visible characters:
   * Persian and Indic names need them.
   */
  public static void checkName(Violations v, String field, String name) {
    if (name == null || name.isBlank()) {
      v.add(field, "is required");
      return;
    }
    int length = name.codePointCount(0, name.length());
    if (length > NAME_MAX) {
      v.add(field, "longer than " + NAME_MAX + " characters");
      return;
    }
    int invisible = UnicodeText.firstInvisible(name);
    if (name.codePoints().anyMatch(SignupFields::isControlOrInvalid)) {
      v.add(field, "contains control or invalid characters");
    } else if (invisible >= 0) {
      v.add(field, "contains " + UnicodeText.describeInvisible(invisible));
    } else if (UnicodeText.mostMarksInARow(name) > MARKS_PER_CHARACTER_MAX) {
      v.add(field, "has more than " + MARKS_PER_CHARACTER_MAX
          + " combining marks on one character");
    } else if (name.codePoints().noneMatch(Character::isLetter)) {
      v.add(field, "must contain a letter");
    }
  }

  public static void checkPassword(Violations v, String field, String password) {
    int length = password == null ? 0 : password.codePointCount(0, password.length());
    if (length == 0) {
      v.add(field, "is required");
    } else if (length < PASSWORD_MIN) {
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

  /**
   * Checks a device: null when the caller gave none (DEVICE_TYPE_UNSPECIFIED) or one this build
   * does not know.
   */
  public static void checkDevice(Violations v, String field, Device device) {
    if (device == null) {
      v.add(field, DEVICE_RULE);
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

  /**
   * Echoes user input into a message safely: short, and without control characters nor any
   * that would change how the rest of the message is shown.
   */
  public static String printable(String value) {
    String cut = value.length() > 16 ? value.substring(0, 16) + "..." : value;
    return cut.codePoints()
        .map(c -> isControlOrInvalid(c) || UnicodeText.isInvisible(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }
}
