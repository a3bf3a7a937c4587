package signup.common.domain;

/**
 * What a string will look like once shown: the characters that change how the text around them
 * is laid out instead of showing themselves, and marks stacked on one character.
 */
final class UnicodeText {
  static final int ZERO_WIDTH_NON_JOINER = 0x200C;
  static final int ZERO_WIDTH_JOINER = 0x200D;

  private UnicodeText() {}

  /**
   * The first character of {@code text} that formats instead of showing (a text-direction
   * control, a line or paragraph separator, another format character), or -1. A zero-width
   * (non-)joiner counts only where it joins nothing: Persian and Indic names need it between two
   * visible characters.
   */
  static int firstInvisible(String text) {
    int[] points = text.codePoints().toArray();
    for (int i = 0; i < points.length; i++) {
      int c = points[i];
      if (c == ZERO_WIDTH_NON_JOINER || c == ZERO_WIDTH_JOINER) {
        if (i == 0 || i == points.length - 1 || !isVisible(points[i - 1])
            || !isVisible(points[i + 1])) {
          return c;
        }
      } else if (isInvisible(c)) {
        return c;
      }
    }
    return -1;
  }

  /** A format character (Cf: direction controls among them) or a line/paragraph separator. */
  static boolean isInvisible(int c) {
    int type = Character.getType(c);
    return type == Character.FORMAT || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  /** What {@code c}, one of {@link #firstInvisible}'s, is, for a message. */
  static String describeInvisible(int c) {
    String code = String.format("U+%04X", c);
    if (isDirectionControl(c)) {
      return "a text-direction control (" + code + ")";
    }
    int type = Character.getType(c);
    if (type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
      return "a line or paragraph separator (" + code + ")";
    }
    if (c == ZERO_WIDTH_NON_JOINER || c == ZERO_WIDTH_JOINER) {
      return "a zero-width joiner between no two visible characters (" + code + ")";
    }
    return "an invisible formatting character (" + code + ")";
  }

  /** The longest run of non-spacing and enclosing marks: the most stacked on one character. */
  static int mostMarksInARow(String text) {
    int most = 0;
    int run = 0;
    for (int c : text.codePoints().toArray()) {
      int type = Character.getType(c);
      if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK) {
        most = Math.max(most, ++run);
      } else {
        run = 0;
      }
    }
    return most;
  }

  /**
   * The explicit controls of the bidirectional algorithm (UAX #9): embeddings and overrides,
   * isolates, and the implicit marks LRM, RLM and ALM.
   */
  private static boolean isDirectionControl(int c) {
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)
        || c == 0x200E || c == 0x200F || c == 0x061C;
  }

  private static boolean isVisible(int c) {
    return !isInvisible(c) && !Character.isWhitespace(c) && !Character.isSpaceChar(c);
  }
}
