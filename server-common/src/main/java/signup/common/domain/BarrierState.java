package signup.common.domain;

/** A participant's record of one transaction, kept beside its data (the TCC barrier). */
public enum BarrierState {
  /** Data written as pending; the orchestrator has not decided yet. */
  RESERVED,
  /** Data made visible. Final. */
  CONFIRMED,
  /** Pending data removed, or a tombstone left by a cancel that came before the reserve. Final. */
  CANCELLED
}
