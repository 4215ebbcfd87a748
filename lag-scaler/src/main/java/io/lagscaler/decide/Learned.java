package io.lagscaler.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
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
 * @param highestRate the most per replica the group ever showed (saturated, or consumed per member;
 *     0 before any): a rate estimate that fell below it (a slow downstream) may come back
 * @param rateCheckedAt when the per-replica rate was last measured saturated or checked by a probe
 *     (its age is how far it can be trusted); empty before either
 * @param probeWait how long the group must keep up, far from saturation, before a probe checks the
 *     rate: longer after each probe that confirmed it, shorter after one that raised it
 */
public record Learned(
    double perReplicaRate,
    boolean rateMeasured,
    OptionalDouble arrivalRate,
    double arrivalSlope,
    double rebalanceSeconds,
    double highestRate,
    Optional<Instant> rateCheckedAt,
    Duration probeWait) {

  /** What a target never decided before starts from: the policy's prior and expected pause. */
  public static Learned initial(ScalingPolicy policy) {
    return new Learned(
        policy.priorReplicaRate(),
        false,
        OptionalDouble.empty(),
        0,
        policy.expectedRebalance().toMillis() / 1000.0,
        0,
        Optional.empty(),
        EngineConstants.PROBE_AFTER);
  }
}
