package io.lagscaler.signals;

import io.lagscaler.observe.Offset;
import io.lagscaler.observe.PartitionKey;
import java.util.OptionalDouble;

/**
 * Everything the scaler knows about one partition of one group at one poll.
 *
 * @param productionRate messages/s appended to the partition, averaged over the rate window
 * @param consumptionRate messages/s committed by the group, averaged over the rate window
 */
public record PartitionSignals(
    PartitionKey partition,
    Offset committed,
    Offset logEnd,
    Offset logStart,
    PartitionLag lag,
    TimeLag timeLag,
    OptionalDouble productionRate,
    OptionalDouble consumptionRate,
    PartitionStatus status) {}
