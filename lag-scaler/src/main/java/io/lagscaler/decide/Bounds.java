package io.lagscaler.decide;

import static io.lagscaler.decide.Explanation.num;

import java.time.Duration;

/**
 * Zero, min, max and the partition cap. With {@code scaleToZero}: to zero after the idle period; at
 * zero, wake when the lag passes the activation threshold. Then min (at least 1 while awake), max,
 * and never more consumers than partitions (the cap wins over min).
 */
final class Bounds implements Rule {

  @Override
  public Proposal apply(Proposal p, Context c) {
    ScalingPolicy policy = c.policy();
    long lag = c.lag();
    if (policy.scaleToZero()) {
      if (c.current() == 0) {
        if (!c.wakes()) {
          return p.set(
              0,
              Reason.BELOW_ACTIVATION,
              "lag " + num(lag) + " <= activation " + num(policy.activationLag()));
        }
        p =
            p.set(
                Math.max(p.replicas(), 1),
                Reason.WAKE_FROM_ZERO,
                "lag " + num(lag) + " > activation " + num(policy.activationLag()));
      } else if (c.idleSince().isPresent()
          && Duration.between(c.idleSince().get(), c.now()).compareTo(policy.idlePeriod()) >= 0) {
        return p.set(
            0,
            Reason.SCALE_TO_ZERO,
            "no lag and no production for "
                + Duration.between(c.idleSince().get(), c.now()).toSeconds()
                + " s >= idle period "
                + policy.idlePeriod().toSeconds()
                + " s");
      }
    }
    int floor = awakeFloor(policy);
    if (p.replicas() < floor) {
      p = p.set(floor, Reason.MIN_REPLICAS, "raised to min " + floor);
    }
    if (p.replicas() > policy.maxReplicas()) {
      p = p.set(policy.maxReplicas(), Reason.MAX_REPLICAS, "capped at max " + policy.maxReplicas());
    }
    int partitions = c.partitions();
    if (p.replicas() > partitions) {
      p =
          p.set(
              Math.max(partitions, 1),
              Reason.PARTITION_CAP,
              "capped at " + partitions + " partitions, more consumers would sit idle");
    }
    return p;
  }

  /** The lowest count while awake: min, and at least 1 when zero means asleep. */
  static int awakeFloor(ScalingPolicy policy) {
    return policy.scaleToZero() ? Math.max(1, policy.minReplicas()) : policy.minReplicas();
  }

  /** The lowest count the bounds allow at {@code current}: 0 for a group asleep at zero. */
  static int floor(ScalingPolicy policy, int current) {
    boolean asleep = policy.scaleToZero() && current == 0;
    return asleep ? 0 : awakeFloor(policy);
  }
}
