package signup.common.store;

/**
 * The SQL dialects the stores speak. Most of their SQL is the same on both (both have
 * {@code ON CONFLICT} and {@code RETURNING}); a store picks its dialect's text where they differ,
 * and each dialect has its own folder of schema scripts.
 */
public enum Dialect {
  SQLITE("sqlite"),
  POSTGRESQL("postgresql");

  private final String folder;

  Dialect(String folder) {
    this.folder = folder;
  }

  /** The folder of this dialect's scripts under each schema part's location. */
  public String folder() {
    return folder;
  }

  /** {@code sqlite} or {@code postgresql}, whichever this is. */
  public <T> T choose(T sqlite, T postgresql) {
    return this == SQLITE ? sqlite : postgresql;
  }
}
