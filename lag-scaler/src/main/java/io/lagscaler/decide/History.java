package io.lagscaler.decide;

import io.lagscaler.observe.PartitionKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What happened to one group: the changes made, the recommendations, the last poll. Bounded: events
 * and recommendations older than the longest window are dropped, offsets are one sample per
 * partition.
 *
 * @param events the changes made, oldest first (for settle time, budget and rate limits)
 * @param recommendations the bounded recommendations, oldest first (for stabilization)
 * @param failedPolls consecutive polls without usable data
 * @param previous the previous poll's offsets; empty after a gap
 * @param idleSince since when the group has had no lag and no production
 * @param partitions the partition count last seen (0 before any), to cap counts without data
 * @param rebalancingSince the first poll of the rebalance in progress
 * @param keptUpSince since when the group has kept up, caught up, at an unchanged count
 * @param probe the probe step down in progress, if any
 * @param arrivals the arrival measured at each poll of the last {@code targetLag}, oldest first
 */
public record History(
    List<ScaleEvent> events,
    List<Recommendation> recommendations,
    int failedPolls,
    Optional<Sample> previous,
    Optional<Instant> idleSince,
    int partitions,
    Optional<Instant> rebalancingSince,
    Optional<Instant> keptUpSince,
    Optional<Probe> probe,
    List<Arrival> arrivals) {

  public History {
    events = List.copyOf(events);
    recommendations = List.copyOf(recommendations);
    arrivals = List.copyOf(arrivals);
  }

  /** Nothing happened yet. */
  public static History initial() {
    return new History(
        List.of(),
        List.of(),
        0,
        Optional.empty(),
        Optional.empty(),
        0,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        List.of());
  }

  /** The newest change, if any is remembered. */
  Optional<ScaleEvent> lastEvent() {
    return events.isEmpty() ? Optional.empty() : Optional.of(events.getLast());
  }

  /**
   * A probe step down, made to find out whether the per-replica rate is higher than estimated.
   *
   * @param at when it was decided
   * @param from the count before it (where a failed probe goes back to)
   * @param to the count it tries
   * @param rateBefore the per-replica estimate it checks
   */
  public record Probe(Instant at, int from, int to, double rateBefore) {}

  /** The arrival rate measured over the interval ending at one poll. */
  public record Arrival(Instant at, double rate) {}

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
