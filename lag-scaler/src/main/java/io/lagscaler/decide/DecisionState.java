package io.lagscaler.decide;

import io.lagscaler.observe.PartitionKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the engine remembers about one target between decisions. Immutable: each decision returns
 * the next state. Bounded: events and recommendations older than the longest window are dropped,
 * offsets are one sample per partition.
 *
 * @param events the changes made, oldest first (for settle time, budget and rate limits)
 * @param recommendations the bounded recommendations, oldest first (for stabilization)
 * @param failedPolls consecutive polls without usable data
 * @param perReplicaRate msgs/s one replica serves: measured, or the policy's prior
 * @param rateMeasured whether {@code perReplicaRate} was measured
 * @param arrivalRate smoothed msgs/s produced; empty until two polls were seen
 * @param arrivalSlope smoothed change of the arrival rate, msgs/s per second
 * @param previous the previous poll's offsets; empty after a gap
 * @param idleSince since when the group has had no lag and no production
 * @param partitions the partition count last seen (0 before any), to cap counts without data
 * @param rebalanceSeconds how long a change pauses the group: measured, or the policy's guess
 * @param rebalancingSince the first poll of the rebalance in progress
 */
public record DecisionState(
    List<ScaleEvent> events,
    List<Recommendation> recommendations,
    int failedPolls,
    double perReplicaRate,
    boolean rateMeasured,
    OptionalDouble arrivalRate,
    double arrivalSlope,
    Optional<Sample> previous,
    Optional<Instant> idleSince,
    int partitions,
    double rebalanceSeconds,
    Optional<Instant> rebalancingSince) {

  public DecisionState {
    events = List.copyOf(events);
    recommendations = List.copyOf(recommendations);
  }

  /** The state of a target never decided before. */
  public static DecisionState initial(ScalingPolicy policy) {
    return new DecisionState(
        List.of(),
        List.of(),
        0,
        policy.priorReplicaRate(),
        false,
        OptionalDouble.empty(),
        0,
        Optional.empty(),
        Optional.empty(),
        0,
        policy.expectedRebalance().toMillis() / 1000.0,
        Optional.empty());
  }

  /**
   * This state without the change decided at {@code at}: for a decision that was not applied (a
   * standby, a paused workload, a competing autoscaler, a failed write), so that settle time, the
   * event budget and rate limits count only changes that happened.
   */
  public DecisionState withoutChangeAt(Instant at) {
    return new DecisionState(
        events.stream().filter(e -> !e.at().equals(at)).toList(),
        recommendations,
        failedPolls,
        perReplicaRate,
        rateMeasured,
        arrivalRate,
        arrivalSlope,
        previous,
        idleSince,
        partitions,
        rebalanceSeconds,
        rebalancingSince);
  }

  /** One change of the replica count. */
  public record ScaleEvent(Instant at, int from, int to) {
    int change() {
      return to - from;
    }
  }

  /** What the sizing rules and bounds asked for at one poll (before limits). */
  public record Recommendation(Instant at, int replicas) {}

  /**
   * One poll's offsets, to measure rates between two polls.
   *
   * @param clean the group was stable, with every replica ready and a member: a measurement ending
   *     or starting here is not distorted by a rebalance or a starting pod
   */
  public record Sample(
      Instant at, Map<PartitionKey, Offsets> offsets, int members, boolean clean, long totalLag) {
    public Sample {
      offsets = Map.copyOf(offsets);
    }
  }

  /** A partition's committed offset, log end and lag at one poll. */
  public record Offsets(long committed, long logEnd, long lag) {}
}
