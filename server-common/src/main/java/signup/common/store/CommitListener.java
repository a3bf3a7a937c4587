package signup.common.store;

/** Told of each commit of a database's writer (for its metrics). */
@FunctionalInterface
public interface CommitListener {
  /**
   * @param writes the units of work the commit carried (the group-commit batch)
   * @param nanos how long the commit took: SQLite's write of the WAL and its fsync
   */
  void committed(int writes, long nanos);
}
