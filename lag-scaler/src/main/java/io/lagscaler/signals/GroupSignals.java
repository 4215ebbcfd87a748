package io.lagscaler.signals;

import io.lagscaler.observe.GroupProtocol;
import io.lagscaler.observe.GroupState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** What the scaler knows about one consumer group at one poll: observed, or unavailable. */
public sealed interface GroupSignals {

  String group();

  Instant at();

  /**
   * The group was read this poll.
   *
   * @param totalLag sum of the known partition lags (messages)
   * @param unknownLagPartitions partitions whose lag is unknown (not counted in totalLag)
   * @param maxTimeLag the largest partition time lag; unknown when any partition's is
   * @param productionRate sum over partitions with a known rate; empty when none is known
   * @param consumptionRate sum over partitions with a known rate; empty when none is known
   * @param worstStatus the worst partition status
   * @param statusCounts partitions per status
   * @param retentionTruncatedPartitions partitions whose commit is below the log start
   * @param noCommitPartitions partitions without a committed offset
   */
  record Observed(
      String group,
      Instant at,
      GroupState state,
      int members,
      GroupProtocol protocol,
      long totalLag,
      int unknownLagPartitions,
      TimeLag maxTimeLag,
      OptionalDouble productionRate,
      OptionalDouble consumptionRate,
      PartitionStatus worstStatus,
      Map<PartitionStatus, Integer> statusCounts,
      int retentionTruncatedPartitions,
      int noCommitPartitions,
      List<PartitionSignals> partitions)
      implements GroupSignals {
    public Observed {
      statusCounts = Map.copyOf(statusCounts);
      partitions = List.copyOf(partitions);
    }

    /** Partitions of the group's topics: the most replicas that can ever consume. */
    public int partitionCount() {
      return partitions.size();
    }
  }

  /** The group could not be read this poll; {@code error} says why. */
  record Unavailable(String group, Instant at, String error) implements GroupSignals {}
}
