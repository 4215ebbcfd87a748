package io.lagscaler.decide;

import java.util.Locale;

/**
 * A change within {@code tolerance} of the current count is ignored, but never a scale-up while the
 * time lag is over target: tolerance must not hide a real need to grow (KEDA #2908's dead band near
 * the partition cap).
 */
final class Tolerance implements Rule {

  @Override
  public Proposal apply(Proposal p, Context c) {
    int current = c.current();
    if (current <= 0 || p.replicas() == current || Double.isNaN(p.need())) {
      return p;
    }
    double ratio =
        p.need() / Counts.effective(current, c.partitions(), c.policy().evenDistribution());
    boolean atRisk = c.timeLag().isPresent() && c.timeLag().getAsDouble() > c.target();
    if (Math.abs(ratio - 1) > c.policy().tolerance() || (p.replicas() > current && atRisk)) {
      return p;
    }
    return p.set(
        current,
        Reason.WITHIN_TOLERANCE,
        String.format(
            Locale.ROOT,
            "need %.2f replicas, within %.0f%% of %d",
            p.need(),
            c.policy().tolerance() * 100,
            current));
  }
}
