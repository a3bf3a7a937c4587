package signup.bench;

/**
 * The password hash the local limit computes per sign-up: client-server's own, at the cost of
 * the configuration measured. The bench is given it by whoever hosts the servers (the CLI), so
 * that it depends on no participant's code and still compares like with like.
 */
public interface LocalHashing {
  /** A hasher at {@code cost} with {@code threads} threads, closed by the local limit. */
  Hasher open(HashCost cost, int threads);

  /** "m=19456,t=2,p=1": the parameters of {@code cost}, as a PHC string spells them. */
  String describe(HashCost cost);

  /** One hasher: its threads are released on close. */
  interface Hasher extends AutoCloseable {
    String hash(String password);

    @Override
    void close();
  }
}
