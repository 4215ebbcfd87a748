package io.lagscaler.decide;

import io.lagscaler.signals.PartitionStatus;

/**
 * Lag with no commits while members exist: more consumers will not unblock a poison message, so a
 * scale-up is refused. The tracker dates a stall from the last commit, which for a group that was
 * idle can be long before the lag appeared: its STALLED is trusted only without the engine's own
 * evidence of progress and when no change (a wake, a rebalance) happened within its window.
 */
final class Stalled implements Rule {

  @Override
  public Proposal apply(Proposal p, Context c) {
    if (p.replicas() <= c.current() || c.current() <= 0) {
      return p;
    }
    boolean trackerStall =
        c.signals().worstStatus() == PartitionStatus.STALLED
            && !c.measured().progressSeen()
            && !c.changedRecently();
    if (!trackerStall && !c.measured().noProgress()) {
      return p;
    }
    return p.set(
        c.current(),
        Reason.STALLED,
        trackerStall
            ? c.signals().statusCounts().getOrDefault(PartitionStatus.STALLED, 0)
                + " partitions with lag and no commits: more consumers will not unblock them"
            : "no commits on lagging partitions since the last poll: more consumers will not"
                + " unblock them");
  }
}
