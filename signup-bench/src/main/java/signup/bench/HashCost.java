package signup.bench;

/** The two configurations a benchmark compares. */
public enum HashCost {
  /** What production runs: OWASP's Argon2id cost, ~50 ms of CPU a sign-up here. */
  PRODUCTION("production", "owasp"),
  /**
   * The cheapest hash the bounds allow, a setting for benchmarks only: it takes the deliberate
   * cost of hashing away and leaves the protocol's own cost.
   */
  MINIMUM("minimum", "minimum");

  private final String label;
  private final String optionValue;

  HashCost(String label, String optionValue) {
    this.label = label;
    this.optionValue = optionValue;
  }

  /** How reports name it. */
  public String label() {
    return label;
  }

  /** client-server's {@code --password-hash-cost} value. */
  public String optionValue() {
    return optionValue;
  }


}
