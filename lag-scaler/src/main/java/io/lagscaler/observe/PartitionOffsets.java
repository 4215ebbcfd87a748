package io.lagscaler.observe;

/**
 * What one poll read for one partition of one group. {@code logEnd} is the high watermark, or the
 * last stable offset for a group that reads committed; {@code logStart} is the earliest offset
 * retention kept.
 */
public record PartitionOffsets(
    PartitionKey partition, Offset committed, Offset logEnd, Offset logStart) {}
