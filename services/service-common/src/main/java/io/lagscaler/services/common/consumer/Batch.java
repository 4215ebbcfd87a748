package io.lagscaler.services.common.consumer;

import brave.Span;
import io.lagscaler.services.common.order.Order;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One polled batch on its way through the pipeline: parsed on the polling thread, written by the
 * store stage, then committed (or rewound) by the polling thread. The outcome is set by the store
 * stage before it hands the batch back through a concurrent queue, which publishes it safely.
 */
final class Batch {

  /** What the store stage did with the batch. */
  sealed interface Outcome {
    /** The store took every order and the dead letters were acknowledged. */
    record Stored() implements Outcome {}

    /** The store (or the dead-letter topic) could not take the batch now. */
    record Unavailable(StoreUnavailableException cause) implements Outcome {}

    /** The batch was abandoned before the store stage started it. */
    record Abandoned() implements Outcome {}

    /** A bug: the store threw something other than {@link StoreUnavailableException}. */
    record Crashed(RuntimeException cause) implements Outcome {}
  }

  final int epoch;
  final long polledAtNanos = System.nanoTime();
  final List<Order> orders;
  final List<DeadLetters.Poison> poison = new ArrayList<>();
  final List<Span> spans;
  final long[] timestamps;
  // Per partition: the first offset in the batch (where to rewind) and the offset after its last
  // record (what to commit once stored).
  final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
  final Map<TopicPartition, OffsetAndMetadata> nextOffsets = new HashMap<>();
  Outcome outcome;

  Batch(int epoch, int records) {
    this.epoch = epoch;
    this.orders = new ArrayList<>(records);
    this.spans = new ArrayList<>(records);
    this.timestamps = new long[records];
  }
}
