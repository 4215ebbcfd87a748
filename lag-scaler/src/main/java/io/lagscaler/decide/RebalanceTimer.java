package io.lagscaler.decide;

import io.lagscaler.observe.GroupState;
import io.lagscaler.signals.GroupSignals;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Times rebalances from the polls that see one: from the first REBALANCING poll to the first STABLE
 * one after it (each end is off by up to a poll interval, in opposite directions).
 *
 * @param seconds how long a change pauses the group (smoothed)
 * @param since the first poll of the rebalance in progress
 */
record RebalanceTimer(double seconds, Optional<Instant> since) {

  static RebalanceTimer of(Instant now, GroupSignals.Observed o, Learned learned, History history) {
    double old = learned.rebalanceSeconds();
    if (o.state() == GroupState.REBALANCING) {
      return new RebalanceTimer(old, Optional.of(history.rebalancingSince().orElse(now)));
    }
    if (o.state() == GroupState.STABLE && history.rebalancingSince().isPresent()) {
      double sample = Duration.between(history.rebalancingSince().get(), now).toMillis() / 1000.0;
      return new RebalanceTimer(smoothed(old, sample), Optional.empty());
    }
    if (history.rebalancingSince().isPresent()) {
      // It ended in no stable group (emptied, deleted): nothing to measure.
      return new RebalanceTimer(old, Optional.empty());
    }
    if (o.state() == GroupState.STABLE
        && history.previous().isPresent()
        && history.previous().get().members() != o.members()
        && history.previous().get().members() > 0) {
      // Membership changed but no poll saw the rebalance: it fit between two polls.
      double sample = Duration.between(history.previous().get().at(), now).toMillis() / 1000.0 / 2;
      return new RebalanceTimer(smoothed(old, sample), Optional.empty());
    }
    return new RebalanceTimer(old, history.rebalancingSince());
  }

  private static double smoothed(double old, double sample) {
    return (1 - EngineConstants.REBALANCE_SMOOTHING) * old
        + EngineConstants.REBALANCE_SMOOTHING * sample;
  }
}
