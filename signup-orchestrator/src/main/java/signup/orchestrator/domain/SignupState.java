package signup.orchestrator.domain;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The states of a sign-up transaction in the orchestrator's log, and the one table of the moves
 * between them. The log derives its conditional updates from {@link #allowedFrom()} and its
 * recovery query from {@link #recoveredTo()}; recovery does what {@link #recoveredTo()} says.
 * Nothing else may write a state, so a move missing here cannot happen anywhere.
 */
public enum SignupState {
  /** Reserving on both participants; nothing decided. */
  TRYING,
  /** Decided to commit (this row is the decision); confirming on both. */
  COMMITTING,
  /** Both confirmed. Final. */
  DONE,
  /** Decided to abort; cancelling on both. */
  ABORTING,
  /** Both cancelled. Final. */
  ABORTED;

  /** Each state's next states: the only moves a row may make. */
  private static final Map<SignupState, Set<SignupState>> NEXT = new EnumMap<>(Map.of(
      // Both reserved: the commit decision. A failed reserve, the deadline passing (recovery)
      // or a participant's ResolveTransaction of an undecided txn: the abort decision.
      TRYING, EnumSet.of(COMMITTING, ABORTING),
      COMMITTING, EnumSet.of(DONE),
      DONE, EnumSet.noneOf(SignupState.class),
      ABORTING, EnumSet.of(ABORTED),
      ABORTED, EnumSet.noneOf(SignupState.class)));

  /**
   * Where recovery takes a row it finds in each state: an undecided row is presumed aborted
   * (only once past its deadline, see {@link #recoveredOnlyPastDeadline}), a decided one is
   * finished the way it was decided.
   */
  private static final Map<SignupState, SignupState> RECOVERED_TO = new EnumMap<>(Map.of(
      TRYING, ABORTING,
      COMMITTING, DONE,
      ABORTING, ABORTED));

  /** The states from which a row may move to this one. */
  public Set<SignupState> allowedFrom() {
    EnumSet<SignupState> from = EnumSet.noneOf(SignupState.class);
    NEXT.forEach((state, next) -> {
      if (next.contains(this)) {
        from.add(state);
      }
    });
    return Collections.unmodifiableSet(from);
  }

  /** The states a row in this one may move to. */
  public Set<SignupState> next() {
    return Collections.unmodifiableSet(NEXT.get(this));
  }

  /**
   * The states a row may be written in first: TRYING for a new sign-up, ABORTED for a txn a
   * participant asks about that the log never saw (so that it can never commit later).
   */
  public static Set<SignupState> initial() {
    return Collections.unmodifiableSet(EnumSet.of(TRYING, ABORTED));
  }

  /** Where recovery moves a row in this state; empty for a final state. */
  public Optional<SignupState> recoveredTo() {
    return Optional.ofNullable(RECOVERED_TO.get(this));
  }

  /**
   * True for the undecided state: its request may still be waiting for the reserves, so
   * recovery takes it only once its deadline has passed.
   */
  public boolean recoveredOnlyPastDeadline() {
    return this == TRYING;
  }

  /** The states recovery drives; of these, TRYING only past its deadline. */
  public static Set<SignupState> recovered() {
    return Collections.unmodifiableSet(EnumSet.copyOf(RECOVERED_TO.keySet()));
  }

  /** True once the commit is decided (COMMITTING or DONE): a participant must confirm. */
  public boolean committed() {
    return this == COMMITTING || this == DONE;
  }

  public boolean isFinal() {
    return next().isEmpty();
  }
}
