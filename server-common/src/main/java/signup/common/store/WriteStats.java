package signup.common.store;

/**
 * How a database's writes were grouped into commits (each commit is one fsync).
 *
 * @param writes units of work committed
 * @param commits SQLite transactions that committed them
 * @param largestBatch the most units one commit carried
 */
public record WriteStats(long writes, long commits, int largestBatch) {
  public double writesPerCommit() {
    return commits == 0 ? 0 : (double) writes / commits;
  }
}
