package signup.bench;

/** A stand-in for the participants' parts in report tests: names the costs, never hashes. */
final class ReportOnlyParts implements LocalLimitParts {
  @Override
  public Hasher open(HashCost cost, int threads) {
    throw new UnsupportedOperationException("report tests compute no hash");
  }

  @Override
  public signup.common.store.DatabaseSpec schema() {
    throw new UnsupportedOperationException("report tests write no row");
  }

  @Override
  public String describe(HashCost cost) {
    return cost == HashCost.PRODUCTION ? "m=19456,t=2,p=1" : "m=8,t=1,p=1";
  }
}
