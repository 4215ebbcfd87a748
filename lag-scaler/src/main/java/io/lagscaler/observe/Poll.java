package io.lagscaler.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One batched read of every configured group.
 *
 * @param at when the read completed (offsets are read within {@code stats.duration()} before)
 * @param groups by group id, in query order
 */
public record Poll(Instant at, Map<String, GroupOffsets> groups, PollStats stats) {

  public Poll {
    groups = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(groups));
  }

  /**
   * Cost of one poll.
   *
   * @param duration wall time of the read
   * @param brokerRequests requests the admin client sent to brokers during the read, metadata
   *     included (counted from the client's own metrics, not estimated)
   * @param brokers brokers in the cluster
   * @param partitions distinct topic partitions read
   * @param groupPartitions group x partition pairs measured
   */
  public record PollStats(
      Duration duration, long brokerRequests, int brokers, int partitions, int groupPartitions) {}
}
