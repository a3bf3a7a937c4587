package signup.bench;

import signup.common.store.DatabaseSpec;

/**
 * What the local limit borrows from the participants: client-server's password hash at the cost
 * of the configuration measured, and the tables the two participants create, built by their own
 * migrations so that this baseline cannot drift from the real schema. The bench is given them by
 * whoever hosts the servers (the CLI), so that it depends on no participant's code and still
 * compares like with like.
 */
public interface LocalLimitParts {
  /** A hasher at {@code cost} with {@code threads} threads, closed by the local limit. */
  Hasher open(HashCost cost, int threads);

  /** "m=19456,t=2,p=1": the parameters of {@code cost}, as a PHC string spells them. */
  String describe(HashCost cost);

  /**
   * Both participants' tables in one database, a SQLite file or a PostgreSQL schema (the shared
   * barrier once), built by each dialect's migrations as the participants' own are.
   */
  DatabaseSpec schema();

  /** One hasher: its threads are released on close. */
  interface Hasher extends AutoCloseable {
    String hash(String password);

    @Override
    void close();
  }
}
