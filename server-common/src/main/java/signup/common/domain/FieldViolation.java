package signup.common.domain;

/** One bad input field and what is wrong with it, for people ("email", "not a valid address"). */
public record FieldViolation(String field, String description) {

  @Override
  public String toString() {
    return field + ": " + description;
  }
}
