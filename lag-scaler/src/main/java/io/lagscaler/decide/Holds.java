package io.lagscaler.decide;

import io.lagscaler.decide.History.ScaleEvent;
import io.lagscaler.observe.GroupState;
import java.time.Duration;
import java.util.Optional;

/**
 * No change while the group rebalances (rates and membership are in flux), nor within {@code
 * settleTime} of the last change (rates taken across a change are distorted). Waking from zero
 * skips settling: nothing consumes at zero, so there is no rebalance to settle.
 */
final class Holds implements Rule {

  @Override
  public Proposal apply(Proposal p, Context c) {
    int current = c.current();
    if (p.replicas() == current || p.held()) {
      return p;
    }
    String wanted = Explanation.wanted(p.replicas());
    if (c.signals().state() == GroupState.REBALANCING) {
      return p.holdAt(
          current,
          Reason.HOLD_REBALANCING,
          "the group is rebalancing" + wanted,
          c.policy(),
          c.partitions());
    }
    Optional<ScaleEvent> last = c.history().lastEvent();
    // An undone probe goes back at once: the settle time guards rates, and these were measured.
    if (c.wakes() || last.isEmpty() || p.reason() == Reason.PROBE_UNDONE) {
      return p;
    }
    Duration since = Duration.between(last.get().at(), c.now());
    if (since.compareTo(c.policy().settleTime()) >= 0) {
      return p;
    }
    return p.holdAt(
        current,
        Reason.HOLD_SETTLING,
        since.toSeconds()
            + " s since the change to "
            + last.get().to()
            + " < settle time "
            + c.policy().settleTime().toSeconds()
            + " s"
            + wanted,
        c.policy(),
        c.partitions());
  }
}
