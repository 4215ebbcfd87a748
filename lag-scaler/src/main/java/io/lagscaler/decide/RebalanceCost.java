package io.lagscaler.decide;

import java.util.Locale;

/**
 * RATE mode: a change pauses every consumer while the group rebalances, so the time lag grows by
 * the pause. Shrinking is only worth it when that leaves the group well within target, so it waits
 * while the time lag can still shrink. Once caught up, waiting cannot make the pause cheaper (it
 * may alone exceed the margin when pods start slowly): shrink then, or the group would hold its
 * extra replicas forever.
 */
final class RebalanceCost implements Rule {

  @Override
  public Proposal apply(Proposal p, Context c) {
    double timeLag = c.timeLag().orElse(0);
    double target = c.target();
    if (c.policy().mode() != ScalingPolicy.Mode.RATE
        || p.replicas() >= c.current()
        || c.current() <= 0
        || timeLag + c.pause() <= target * EngineConstants.CALM
        || timeLag <= c.caughtUp()) {
      return p;
    }
    return p.set(
        c.current(),
        Reason.REBALANCE_COST,
        String.format(
            Locale.ROOT,
            "%d would do, but time lag %.0f s + a %.0f s rebalance > 3/4 of the target",
            p.replicas(),
            timeLag,
            c.pause()));
  }
}
