package io.lagscaler.decide;

import static io.lagscaler.decide.Explanation.num;

import java.util.Locale;

/**
 * A scale-up is not needed when consumption beats arrival fast enough: the backlog is gone within
 * the time left before the target, or the time lag (the backlog a rebalance leaves behind) falls
 * and is well within the target. Both rates are measured over the same interval: the smoothed
 * arrival would lag a rise.
 */
final class CatchingUp implements Rule {

  @Override
  public Proposal apply(Proposal p, Context c) {
    Measurement m = c.measured();
    long lag = c.lag();
    if (p.replicas() <= c.current()
        || c.current() <= 0
        || m.consumption().isEmpty()
        || m.arrivalNow().isEmpty()
        || lag <= 0) {
      return p;
    }
    double net = m.consumption().getAsDouble() - m.arrivalNow().getAsDouble();
    if (net <= 0) {
      return p;
    }
    double drain = c.drain();
    double target = c.target();
    if (lag / net <= drain) {
      return p.set(
          c.current(),
          Reason.CATCHING_UP,
          String.format(
              Locale.ROOT,
              "draining %s msg/s net, lag gone in %.0f s <= %.0f s left of target %.0f s",
              num(net),
              lag / net,
              drain,
              target));
    }
    if (c.timeLag().isPresent() && c.timeLag().getAsDouble() <= target * EngineConstants.CALM) {
      return p.set(
          c.current(),
          Reason.CATCHING_UP,
          String.format(
              Locale.ROOT,
              "draining %s msg/s net (lag gone in %.0f s), time lag %.0f s falling and within 3/4"
                  + " of target %.0f s",
              num(net),
              lag / net,
              c.timeLag().getAsDouble(),
              target));
    }
    return p;
  }
}
