package io.lagscaler.decide;

import io.lagscaler.decide.History.Recommendation;
import java.time.Instant;

/**
 * The stabilization windows (the HPA's stabilizeRecommendationWithBehaviors): a scale-up goes no
 * higher than the lowest recommendation of the scale-up window, a scale-down no lower than the
 * highest of the scale-down window. Skipped where the rate limits are.
 */
final class Stabilization implements Rule {

  @Override
  public Proposal apply(Proposal p, Context c) {
    if (!RateLimits.paced(p, c)) {
      return p;
    }
    int current = c.current();
    boolean up = p.replicas() > current;
    var window =
        up
            ? c.policy().scaleUp().stabilizationWindow()
            : c.policy().scaleDown().stabilizationWindow();
    Instant cutoff = c.now().minus(window);
    int bound = p.replicas();
    for (Recommendation r : c.recommendations()) {
      if (!r.at().isBefore(cutoff)) {
        bound = up ? Math.min(bound, r.replicas()) : Math.max(bound, r.replicas());
      }
    }
    int stable = up ? Math.max(current, bound) : Math.min(current, bound);
    if (up ? stable >= p.replicas() : stable <= p.replicas()) {
      return p;
    }
    return p.set(
        stable,
        up ? Reason.SCALE_UP_STABILIZED : Reason.SCALE_DOWN_STABILIZED,
        (up ? "lowest" : "highest")
            + " recommendation in the last "
            + window.toSeconds()
            + " s is "
            + bound
            + Explanation.wanted(p.replicas()));
  }
}
