package signup.orchestrator.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static signup.orchestrator.domain.SignupState.ABORTED;
import static signup.orchestrator.domain.SignupState.ABORTING;
import static signup.orchestrator.domain.SignupState.COMMITTING;
import static signup.orchestrator.domain.SignupState.DONE;
import static signup.orchestrator.domain.SignupState.TRYING;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The protocol's state table, pinned: a change to it changes what the log allows and what
 * recovery does, so it must be a deliberate change of this test too.
 */
class SignupStateTest {
  @Test
  void theOnlyMovesAreTheDecisionsAndTheirCompletions() {
    Set<String> moves = new HashSet<>();
    for (SignupState from : SignupState.values()) {
      for (SignupState to : from.next()) {
        moves.add(from + " -> " + to);
      }
    }

    assertEquals(Set.of(
        "TRYING -> COMMITTING", // both reserved: the commit decision
        "TRYING -> ABORTING", // a failed reserve, recovery past the deadline, ResolveTransaction
        "COMMITTING -> DONE",
        "ABORTING -> ABORTED"), moves);
  }

  @Test
  void allowedFromIsTheSameTableReadBackwards() {
    for (SignupState to : SignupState.values()) {
      Set<SignupState> from = EnumSet.noneOf(SignupState.class);
      for (SignupState state : SignupState.values()) {
        if (state.next().contains(to)) {
          from.add(state);
        }
      }
      assertEquals(from, to.allowedFrom(), "allowed from, for " + to);
    }
    assertEquals(Set.of(), TRYING.allowedFrom());
    assertEquals(Set.of(TRYING), COMMITTING.allowedFrom());
    assertEquals(Set.of(TRYING), ABORTING.allowedFrom());
  }

  @Test
  void rowsAreWrittenFirstAsTryingOrAsTheAbortOfAnUnknownTransaction() {
    assertEquals(Set.of(TRYING, ABORTED), SignupState.initial());
  }

  @Test
  void recoveryPresumesAbortOfUndecidedRowsPastTheirDeadlineAndFinishesDecidedOnes() {
    Map<SignupState, Optional<SignupState>> recovery = new HashMap<>();
    for (SignupState state : SignupState.values()) {
      recovery.put(state, state.recoveredTo());
    }

    assertEquals(Map.of(
        TRYING, Optional.of(ABORTING),
        COMMITTING, Optional.of(DONE),
        ABORTING, Optional.of(ABORTED),
        DONE, Optional.empty(),
        ABORTED, Optional.empty()), recovery);
    assertEquals(Set.of(TRYING, COMMITTING, ABORTING), SignupState.recovered());
    for (SignupState state : SignupState.values()) {
      assertEquals(state == TRYING, state.recoveredOnlyPastDeadline(), state.name());
      state.recoveredTo().ifPresent(to -> assertEquals(true, state.next().contains(to),
          "recovery moves " + state + " only as the table allows"));
    }
  }

  @Test
  void onlyDoneAndAbortedAreFinalAndOnlyCommittingAndDoneAreCommitted() {
    assertEquals(EnumSet.of(DONE, ABORTED), states(SignupState::isFinal));
    assertEquals(EnumSet.of(COMMITTING, DONE), states(SignupState::committed));
  }

  private static Set<SignupState> states(Predicate<SignupState> which) {
    Set<SignupState> matching = EnumSet.noneOf(SignupState.class);
    for (SignupState state : SignupState.values()) {
      if (which.test(state)) {
        matching.add(state);
      }
    }
    return matching;
  }
}
