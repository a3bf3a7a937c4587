package signup.common.domain;

import java.time.Instant;

/**
 * The records of finished transactions (DONE or ABORTED sign-ups, confirmed or cancelled barrier
 * rows), as the {@link RetentionPurger} sees them. Unfinished ones are never among them.
 */
@FunctionalInterface
public interface FinishedRecords {
  /**
   * Deletes the records of up to {@code limit} transactions that finished before {@code cutoff},
   * oldest first, in one durable write.
   *
   * @return how many were deleted; fewer than {@code limit} when no more are that old
   */
  int purgeFinishedBefore(Instant cutoff, int limit);
}
