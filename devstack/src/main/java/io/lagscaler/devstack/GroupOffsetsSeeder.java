package io.lagscaler.devstack;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Commits offsets for a consumer group without running a consumer, for tests and benchmarks. A
 * topic created a moment ago may not yet be known to the group coordinator; this retries until it
 * is (at most 15 s) instead of failing at random.
 */
public final class GroupOffsetsSeeder {

  private static final Duration PATIENCE = Duration.ofSeconds(15);

  private GroupOffsetsSeeder() {}

  public static void commit(Admin admin, String group, Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> request = new java.util.HashMap<>();
    offsets.forEach((tp, offset) -> request.put(tp, new OffsetAndMetadata(offset)));
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      try {
        admin.alterConsumerGroupOffsets(group, request).all().get();
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not commit offsets for group " + group + ": " + e.getCause(), e);
        }
        pause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted committing offsets for " + group, e);
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
