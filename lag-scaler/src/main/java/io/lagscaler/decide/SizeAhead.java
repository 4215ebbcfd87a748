package io.lagscaler.decide;

import static io.lagscaler.decide.Explanation.num;

import java.util.Locale;

/**
 * RATE mode: while the arrival keeps rising, a scale-up covers the arrival {@code stepAhead} from
 * now: one larger step instead of several, each a rebalance. Waking from zero, the rise from
 * nothing is a step, not a trend: the count covers the arrival seen now, not an extrapolation.
 */
final class SizeAhead implements Rule {

  @Override
  public Proposal apply(Proposal p, Context c) {
    double ahead = Explanation.seconds(c.policy().stepAhead());
    double slope = c.measured().slope();
    // Waking from zero the arrival jumps from nothing: a step, not a trend. Extrapolating its
    // slope sized a woken group for several times its burst; the smoothed arrival, half of it.
    boolean waking = c.current() == 0;
    if (c.policy().mode() != ScalingPolicy.Mode.RATE
        || c.measured().arrival().isEmpty()
        || p.replicas() <= c.current()
        || (!waking && (slope <= 0 || ahead <= 0))) {
      return p;
    }
    double arrival = c.measured().arrival().getAsDouble();
    double projected =
        waking ? Math.max(arrival, c.measured().arrivalNow().orElse(0)) : arrival + slope * ahead;
    double aheadNeed = projected + Sizing.excess(c, Sizing.backlog(c)) / c.drain();
    int a =
        Counts.countFor(
            aheadNeed / Sizing.capacity(c), c.partitions(), c.policy().evenDistribution());
    if (a <= p.replicas()) {
      return p;
    }
    return p.set(
        a,
        Reason.SCALE_UP_AHEAD,
        waking
            ? String.format(
                Locale.ROOT,
                "waking: sized for the %s msg/s arriving now, not the smoothed %s",
                num(projected),
                num(arrival))
            : String.format(
                Locale.ROOT,
                "arrival rising %.1f msg/s per s, sized for %s msg/s in %.0f s",
                slope,
                num(projected),
                ahead));
  }
}
