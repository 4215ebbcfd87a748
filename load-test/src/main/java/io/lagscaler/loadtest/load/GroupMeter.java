package io.lagscaler.loadtest.load;

import io.lagscaler.observe.GroupOffsets;
import io.lagscaler.observe.GroupQuery;
import io.lagscaler.observe.LagReader;
import io.lagscaler.observe.Offset;
import io.lagscaler.observe.PartitionOffsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A consumer group's progress on one topic, read from Kafka once a second with lag-scaler's own
 * observer, measured the same way whatever scales the group: lag, time lag (how long ago the log
 * end first passed the committed offset, to the second) and the consumption rate.
 */
public final class GroupMeter implements AutoCloseable {

  /** One reading; {@code consumptionRate} is smoothed over about 3 s, like a dashboard's rate(). */
  public record Reading(
      long logEnd, long committed, double timeLagSeconds, double consumptionRate) {
    public long lag() {
      return logEnd - committed;
    }
  }

  private final LagReader reader;
  private final GroupQuery query;
  private final List<long[]> logEnds = new ArrayList<>(); // [second, log end total]
  private long lastCommitted = -1;
  private long lastNanos;
  private double consumption;

  public GroupMeter(Map<String, Object> clientProperties, String group, String topic) {
    this.reader = LagReader.connect(clientProperties, Duration.ofSeconds(5), Clock.systemUTC());
    this.query = GroupQuery.of(group, Set.of(topic));
  }

  /** Reads the group at {@code second}; empty when Kafka did not answer for every partition. */
  public Optional<Reading> read(int second) {
    GroupOffsets offsets = reader.poll(List.of(query)).groups().get(query.group());
    if (!(offsets instanceof GroupOffsets.Read read) || read.partitions().isEmpty()) {
      return Optional.empty();
    }
    long end = 0;
    long committed = 0;
    for (PartitionOffsets p : read.partitions()) {
      if (!(p.logEnd() instanceof Offset.Known(long e))) {
        return Optional.empty();
      }
      end += e;
      if (p.committed() instanceof Offset.Known(long c)) {
        committed += Math.min(c, e);
      } else if (p.committed() instanceof Offset.NoCommit) {
        // The services start from the earliest offset: before their first commit on a partition,
        // everything retained there is still to consume.
        committed += p.logStart().orElse(0);
      } else {
        return Optional.empty(); // unknown is not zero
      }
    }
    logEnds.add(new long[] {second, end});
    long nanos = System.nanoTime();
    if (lastCommitted >= 0) {
      // Per second of wall time between readings: a slow read is followed by a quick one.
      double elapsed = Math.max(0.05, (nanos - lastNanos) / 1e9);
      double weight = Math.min(1, 0.4 * elapsed);
      consumption = (1 - weight) * consumption + weight * ((committed - lastCommitted) / elapsed);
    }
    lastCommitted = committed;
    lastNanos = nanos;
    return Optional.of(
        new Reading(end, committed, timeLag(logEnds, committed, second), consumption));
  }

  /**
   * The age of the oldest unconsumed message, to the second: how long ago the log end first passed
   * the committed offset.
   */
  static double timeLag(List<long[]> logEnds, long committed, int now) {
    for (long[] p : logEnds) {
      if (p[1] > committed) {
        return now - p[0] + 1;
      }
    }
    return 0;
  }

  @Override
  public void close() {
    reader.close();
  }
}
