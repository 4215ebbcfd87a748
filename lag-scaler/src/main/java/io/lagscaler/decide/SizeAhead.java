package io.lagscaler.decide;

import static io.lagscaler.decide.Explanation.num;

import java.util.Locale;

/**
 * RATE mode: while the arrival keeps rising, a scale-up covers the arrival {@code stepAhead} from
 * now: one larger step instead of several, each a rebalance.
 */
final class SizeAhead implements Rule {

  @Override
  public Proposal apply(Proposal p, Context c) {
    double ahead = Explanation.seconds(c.policy().stepAhead());
    double slope = c.measured().slope();
    if (c.policy().mode() != ScalingPolicy.Mode.RATE
        || c.measured().arrival().isEmpty()
        || p.replicas() <= c.current()
        || slope <= 0
        || ahead <= 0) {
      return p;
    }
    double arrival = c.measured().arrival().getAsDouble();
    double aheadNeed = arrival + slope * ahead + Sizing.backlog(c) / c.drain();
    int a =
        Counts.countFor(
            aheadNeed / Sizing.capacity(c), c.partitions(), c.policy().evenDistribution());
    if (a <= p.replicas()) {
      return p;
    }
    return p.set(
        a,
        Reason.SCALE_UP_AHEAD,
        String.format(
            Locale.ROOT,
            "arrival rising %.1f msg/s per s, sized for %s msg/s in %.0f s",
            slope,
            num(arrival + slope * ahead),
            ahead));
  }
}
