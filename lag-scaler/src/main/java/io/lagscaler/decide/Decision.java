package io.lagscaler.decide;

import java.time.Instant;
import java.util.OptionalDouble;

/**
 * What the engine decided at one poll.
 *
 * @param at the time passed in
 * @param currentReplicas the count before the decision
 * @param replicas the count to run
 * @param reason the last rule that set {@code replicas}
 * @param explanation one line with the numbers that drove it
 * @param figures the numbers, for metrics and the status endpoint
 */
public record Decision(
    Instant at,
    int currentReplicas,
    int replicas,
    Reason reason,
    String explanation,
    Figures figures) {

  /** True when the decision changes the replica count. */
  public boolean changes() {
    return replicas != currentReplicas;
  }

  /**
   * The numbers behind a decision; empty where not known at this poll.
   *
   * @param totalLag messages behind (-1 when unknown)
   * @param timeLagSeconds the group's largest time lag
   * @param arrivalRate smoothed msgs/s produced
   * @param perReplicaRate msgs/s one replica serves (measured or the prior)
   * @param perReplicaRateMeasured whether {@code perReplicaRate} was measured from the group
   * @param recommended the count the sizing rules asked for, before bounds and limits
   */
  public record Figures(
      long totalLag,
      OptionalDouble timeLagSeconds,
      OptionalDouble arrivalRate,
      double perReplicaRate,
      boolean perReplicaRateMeasured,
      int recommended) {}
}
