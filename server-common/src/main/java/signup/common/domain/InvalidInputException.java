package signup.common.domain;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Input that breaks one or more rules. Carries every violation at once, so a caller fixes all
 * fields in one round trip; the message alone names them for clients that do not decode details.
 */
public final class InvalidInputException extends RuntimeException {
  private final List<FieldViolation> violations;

  public InvalidInputException(List<FieldViolation> violations) {
    super(violations.stream().map(FieldViolation::toString).collect(Collectors.joining("; ")));
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("an InvalidInputException needs at least one violation");
    }
    this.violations = List.copyOf(violations);
  }

  public static InvalidInputException of(String field, String description) {
    return new InvalidInputException(List.of(new FieldViolation(field, description)));
  }

  public List<FieldViolation> violations() {
    return violations;
  }
}
