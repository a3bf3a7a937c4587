package signup.bench;

/**
 * The flood step of one configuration: the closed loop measured while the flood ran, against
 * the same loop without it.
 *
 * @param loop the normal sign-ups during the flood
 * @param baseline the loop without the flood: on the same CPU split when {@code cpus} says one,
 *     otherwise the sweep's protocol step at the same concurrency; null when it had none
 * @param cpus which CPUs ran the services and which the bench ({@link CpuSplit#describe}); null
 *     when they shared them all
 * @param flood what the flood's calls, the probes and the services' memory did
 * @param signupsStarted sign-ups the orchestrator began during the step (its
 *     {@code signup_started_total}, by two scrapes); null without its metrics
 */
record FloodResult(FloodSettings settings, Measurement loop, Measurement baseline,
    String cpus, Flood.Observed flood, Long signupsStarted) {

  /**
   * At most how many sign-ups the flood's own calls began: those begun during the step but
   * the loop's and the probes' that succeeded (a failed normal call may have begun one too);
   * null when not known.
   */
  Long floodSignupsStartedAtMost() {
    if (signupsStarted == null) {
      return null;
    }
    return Math.max(0,
        signupsStarted - loop.succeeded() - flood.probes().succeeded());
  }

  /** Goodput during the flood over goodput without it; NaN without a baseline. */
  double goodputOfBaseline() {
    if (baseline == null || baseline.throughput() == 0) {
      return Double.NaN;
    }
    return loop.throughput() / baseline.throughput();
  }

  /** Whether a normal caller saw a failure during the flood: a probe, or the loop's. */
  boolean anyErrors() {
    return loop.failed() > 0 || flood.probes().succeeded() < flood.probes().made();
  }
}
