package io.lagscaler.loadtest.sim;

import io.lagscaler.observe.GroupOffsets;
import io.lagscaler.observe.Offset;
import io.lagscaler.observe.OffsetReset;
import io.lagscaler.observe.PartitionOffsets;

/**
 * A transcription of KEDA v2.20's Kafka scaler ({@code pkg/scalers/kafka_scaler.go}, getTotalLag
 * and getLagForPartition) with its defaults: offsetResetPolicy latest, allowIdleConsumers false,
 * limitToPartitionsWithLag false, excludePersistentLag false, scaleToZeroOnInvalidOffset false.
 * Kept apart from lag-scaler's code so it cannot drift when the engine changes.
 */
public final class KedaKafkaScaler {

  private KedaKafkaScaler() {}

  /**
   * One query's result.
   *
   * @param metric the lag served to the HPA, capped at partitions x lagThreshold
   * @param lagWithPersistent the uncapped lag, which decides activity
   */
  public record Lag(long metric, long lagWithPersistent, long partitions) {}

  /** getTotalLag: the metric and the activity lag of one read. */
  public static Lag totalLag(GroupOffsets.Read read, long lagThreshold, OffsetReset reset) {
    long total = 0;
    long withPersistent = 0;
    long partitions = 0;
    for (PartitionOffsets p : read.partitions()) {
      long lag = lagForPartition(p, reset);
      total += lag;
      withPersistent += lag;
      partitions++;
    }
    // !allowIdleConsumers: do not scale out beyond the partition count (integer division, as Go's).
    if (total / lagThreshold > partitions) {
      total = partitions * lagThreshold;
    }
    return new Lag(total, withPersistent, partitions);
  }

  /** getLagForPartition. */
  static long lagForPartition(PartitionOffsets p, OffsetReset reset) {
    boolean invalid = !(p.committed() instanceof Offset.Known);
    if (invalid && reset == OffsetReset.LATEST) {
      return 1; // KEDA counts a partition without a commit as lag 1 (0 with
      // scaleToZeroOnInvalidOffset)
    }
    if (!(p.logEnd() instanceof Offset.Known(long latest))) {
      return 0; // a partition missing from the ListOffsets answer counts 0
    }
    if (invalid) {
      return latest; // earliest: the whole log end, deleted messages included (#7936)
    }
    return latest - p.committed().orElse(0);
  }

  /** IsActive: lag above the activation threshold. */
  public static boolean active(Lag lag, long activationLagThreshold) {
    return lag.lagWithPersistent() > activationLagThreshold;
  }
}
