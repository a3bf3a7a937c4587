package signup.bench;

/** A stand-in for client-server's hash in report tests: names the costs, never hashes. */
final class FixedHashing implements LocalHashing {
  @Override
  public Hasher open(HashCost cost, int threads) {
    throw new UnsupportedOperationException("report tests compute no hash");
  }

  @Override
  public String describe(HashCost cost) {
    return cost == HashCost.PRODUCTION ? "m=19456,t=2,p=1" : "m=8,t=1,p=1";
  }
}
