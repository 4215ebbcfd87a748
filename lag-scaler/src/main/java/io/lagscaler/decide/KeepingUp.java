package io.lagscaler.decide;

import io.lagscaler.signals.PartitionStatus;
import java.util.Locale;

/**
 * RATE mode: a forecast (the prior, the utilization headroom, a rising arrival) is not a need while
 * the group keeps up well within its target, or falls behind so slowly that the time lag stays calm
 * for as long as a scale-up takes to help: a change would cost a rebalance now for a shortfall that
 * may never come, and the next poll sees it if it does. (In LAG mode the lag itself is the need,
 * KEDA's meaning.)
 */
final class KeepingUp implements Rule {

  @Override
  public Proposal apply(Proposal p, Context c) {
    Measurement m = c.measured();
    double target = c.target();
    double calm = target * EngineConstants.CALM;
    if (c.policy().mode() != ScalingPolicy.Mode.RATE
        || p.replicas() <= c.current()
        || c.current() <= 0
        || !m.steady()
        || c.timeLag().isEmpty()
        || c.signals().worstStatus() == PartitionStatus.FALLING_BEHIND
        || c.timeLag().getAsDouble() > calm) {
      return p;
    }
    double timeLag = c.timeLag().getAsDouble();
    String source = m.rateMeasured() ? "the model" : "the prior";
    if (m.keepsUp()) {
      return p.set(
          c.current(),
          Reason.KEEPING_UP,
          String.format(
              Locale.ROOT,
              "%s asks for %d, but the group keeps up (time lag %.0f s)",
              source,
              p.replicas(),
              timeLag));
    }
    double horizon = Explanation.seconds(c.policy().reactionTime());
    if (horizon <= 0
        || m.consumption().isEmpty()
        || m.arrivalNow().isEmpty()
        || m.arrivalNow().getAsDouble() <= 0
        || m.consumption().getAsDouble() <= 0) {
      return p;
    }
    // The time lag grows by 1 - consumption / arrival seconds each second, faster by the end of
    // the horizon when the arrival keeps rising.
    double consumption = m.consumption().getAsDouble();
    double arrival = m.arrivalNow().getAsDouble();
    double growth = Math.max(0, 1 - consumption / arrival);
    double later = arrival + Math.max(0, m.slope()) * horizon;
    double growthLater = Math.max(0, 1 - consumption / later);
    double projected = timeLag + (growth + growthLater) / 2 * horizon;
    if (projected > calm) {
      return p;
    }
    return p.set(
        c.current(),
        Reason.KEEPING_UP,
        String.format(
            Locale.ROOT,
            "%s asks for %d, but the time lag (%.0f s, growing %.2f s/s) stays under 3/4 of the"
                + " target for the next %.0f s",
            source,
            p.replicas(),
            timeLag,
            growth,
            horizon));
  }
}
