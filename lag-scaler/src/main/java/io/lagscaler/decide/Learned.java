package io.lagscaler.decide;

import java.util.OptionalDouble;

/**
 * What the engine has learned about one group: estimates that carry over from poll to poll and
 * survive a decision that was not applied.
 *
 * @param perReplicaRate msgs/s one replica serves: measured, or the policy's prior
 * @param rateMeasured whether {@code perReplicaRate} was measured
 * @param arrivalRate smoothed msgs/s produced; empty until two polls were seen
 * @param arrivalSlope smoothed change of the arrival rate, msgs/s per second
 * @param rebalanceSeconds how long a change pauses the group: measured, or the policy's guess
 */
public record Learned(
    double perReplicaRate,
    boolean rateMeasured,
    OptionalDouble arrivalRate,
    double arrivalSlope,
    double rebalanceSeconds) {

  /** What a target never decided before starts from: the policy's prior and expected pause. */
  public static Learned initial(ScalingPolicy policy) {
    return new Learned(
        policy.priorReplicaRate(),
        false,
        OptionalDouble.empty(),
        0,
        policy.expectedRebalance().toMillis() / 1000.0);
  }
}
