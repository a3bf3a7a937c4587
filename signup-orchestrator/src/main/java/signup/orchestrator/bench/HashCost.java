package signup.orchestrator.bench;

import signup.client.domain.Argon2Settings;

/** The two configurations a benchmark compares. */
public enum HashCost {
  /** What production runs: OWASP's Argon2id cost, ~50 ms of CPU a sign-up here. */
  PRODUCTION("production", "owasp", Argon2Settings.OWASP),
  /**
   * The cheapest hash the bounds allow, a setting for benchmarks only: it takes the deliberate
   * cost of hashing away and leaves the protocol's own cost.
   */
  MINIMUM("minimum", "minimum", Argon2Settings.MINIMUM);

  private final String label;
  private final String optionValue;
  private final Argon2Settings settings;

  HashCost(String label, String optionValue, Argon2Settings settings) {
    this.label = label;
    this.optionValue = optionValue;
    this.settings = settings;
  }

  /** How reports name it. */
  public String label() {
    return label;
  }

  /** client-server's {@code --password-hash-cost} value. */
  String optionValue() {
    return optionValue;
  }

  Argon2Settings settings() {
    return settings;
  }

  /** "m=19456,t=2,p=1", as in a PHC string. */
  String describe() {
    return "m=" + settings.memoryKiB() + ",t=" + settings.iterations() + ",p="
        + settings.parallelism();
  }
}
