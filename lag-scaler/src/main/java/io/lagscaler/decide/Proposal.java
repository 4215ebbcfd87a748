package io.lagscaler.decide;

/**
 * The count being decided, as the rules pass it on: each rule takes one and returns one.
 *
 * @param replicas the count proposed so far
 * @param reason the last rule that set it
 * @param detail that rule's numbers
 * @param need the need the sizing rules found, in full-share replicas (NaN before sizing)
 * @param held a hold set the count: later holds leave it alone
 */
record Proposal(int replicas, Reason reason, String detail, double need, boolean held) {

  /** Before any rule: keep the current count. */
  static Proposal start(int current) {
    return new Proposal(current, Reason.AT_TARGET, "", Double.NaN, false);
  }

  Proposal set(int n, Reason r, String d) {
    return new Proposal(n, r, d, need, held);
  }

  Proposal withNeed(double fraction) {
    return new Proposal(replicas, reason, detail, fraction, held);
  }

  /**
   * Holds the current count, unless it lies outside the bounds (the policy changed, or someone
   * scaled by hand): a hold never keeps a count the bounds forbid.
   */
  Proposal holdAt(int current, Reason r, String d, ScalingPolicy policy, int partitions) {
    Proposal p = new Proposal(current, r, d, need, true);
    int floor = Bounds.floor(policy, current);
    // The same order as the bounds: min, then max, then the partitions, each over the last.
    if (p.replicas < floor) {
      p = p.set(floor, Reason.MIN_REPLICAS, "raised to min " + floor + " despite: " + d);
    }
    if (p.replicas > policy.maxReplicas()) {
      p =
          p.set(
              policy.maxReplicas(),
              Reason.MAX_REPLICAS,
              "capped at max " + policy.maxReplicas() + " despite: " + d);
    }
    if (partitions > 0 && p.replicas > partitions) {
      p =
          p.set(
              partitions,
              Reason.PARTITION_CAP,
              "capped at " + partitions + " partitions despite: " + d);
    }
    return p;
  }
}
