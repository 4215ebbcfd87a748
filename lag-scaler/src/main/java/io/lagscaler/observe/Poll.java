package io.lagscaler.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One batched read of every configured group.
 *
 * @param at when the read completed (offsets are read within {@code stats.duration()} before)
 * @param groups by group id, in query order
 * @param recordTimes the timestamp of the record at an offset, for the partitions whose record was
 *     read this poll (empty unless record timestamps were asked for)
 */
public record Poll(
    Instant at,
    Map<String, GroupOffsets> groups,
    PollStats stats,
    Map<PartitionKey, RecordTime> recordTimes) {

  public Poll {
    groups = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(groups));
    recordTimes = Map.copyOf(recordTimes);
  }

  /** A poll without record timestamps. */
  public Poll(Instant at, Map<String, GroupOffsets> groups, PollStats stats) {
    this(at, groups, stats, Map.of());
  }

  /**
   * When the record at {@code offset} of a partition was written (its timestamp: the producer's
   * create time, or the broker's append time).
   */
  public record RecordTime(long offset, long timestampMillis) {}

  /**
   * A poll that read nothing: every group of {@code groupIds} failed with {@code error} (a cluster
   * whose reader could not be opened, or whose previous read has not finished).
   */
  public static Poll failed(Instant at, java.util.Collection<String> groupIds, String error) {
    Map<String, GroupOffsets> groups = new java.util.LinkedHashMap<>();
    groupIds.forEach(g -> groups.put(g, new GroupOffsets.Failed(g, error)));
    return new Poll(at, groups, new PollStats(Duration.ZERO, 0, 0, 0, 0));
  }

  /**
   * The polls of several clusters, read in parallel, as one: the latest time, every group (the
   * first cluster's where two share a group id), the longest duration and the summed costs.
   */
  public static Poll combined(java.util.List<Poll> polls) {
    Instant at = Instant.EPOCH;
    Map<String, GroupOffsets> groups = new java.util.LinkedHashMap<>();
    Map<PartitionKey, RecordTime> recordTimes = new java.util.HashMap<>();
    Duration duration = Duration.ZERO;
    long requests = 0;
    int brokers = 0;
    int partitions = 0;
    int groupPartitions = 0;
    for (Poll p : polls) {
      at = p.at().isAfter(at) ? p.at() : at;
      p.groups().forEach(groups::putIfAbsent);
      p.recordTimes().forEach(recordTimes::putIfAbsent);
      PollStats s = p.stats();
      duration = s.duration().compareTo(duration) > 0 ? s.duration() : duration;
      requests += s.brokerRequests();
      brokers += s.brokers();
      partitions += s.partitions();
      groupPartitions += s.groupPartitions();
    }
    return new Poll(
        at,
        groups,
        new PollStats(duration, requests, brokers, partitions, groupPartitions),
        recordTimes);
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
