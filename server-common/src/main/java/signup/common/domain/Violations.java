package signup.common.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Collects field violations so that every bad field is reported at once. */
public final class Violations {
  private final List<FieldViolation> found = new ArrayList<>();

  public Violations add(String field, String description) {
    found.add(new FieldViolation(field, description));
    return this;
  }

  public boolean isEmpty() {
    return found.isEmpty();
  }

  /** Throws {@link InvalidInputException} naming every violation found so far, if any. */
  public void throwIfAny() {
    asException().ifPresent(invalid -> {
      throw invalid;
    });
  }

  /** The {@link InvalidInputException} naming every violation found so far, if any. */
  public Optional<InvalidInputException> asException() {
    return found.isEmpty() ? Optional.empty() : Optional.of(new InvalidInputException(found));
  }
}
