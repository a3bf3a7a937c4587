package signup.common.store;

import java.util.function.Consumer;

/** Told of each write as it is queued, for its trace. */
@FunctionalInterface
public interface WriteObserver {
  /** What {@link #NONE} answers: nothing to do when a write is done. */
  Consumer<Throwable> NONE_DONE = failure -> {};
  WriteObserver NONE = () -> NONE_DONE;

  /**
   * Called on the caller's thread as a write is queued.
   *
   * @return run once the write is durable (with null) or has failed (with why), on the writer's
   *     thread: it must be quick
   */
  Consumer<Throwable> queued();
}
