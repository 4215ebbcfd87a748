package io.lagscaler.observe;

import java.util.Comparator;

/** A topic partition, in lag-scaler's own terms (Kafka's TopicPartition stays in the adapter). */
public record PartitionKey(String topic, int partition) implements Comparable<PartitionKey> {

  private static final Comparator<PartitionKey> ORDER =
      Comparator.comparing(PartitionKey::topic).thenComparingInt(PartitionKey::partition);

  public PartitionKey {
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("topic must not be blank");
    }
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0, was " + partition);
    }
  }

  @Override
  public int compareTo(PartitionKey other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return topic + "-" + partition;
  }
}
