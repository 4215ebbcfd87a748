package io.lagscaler.observe;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the timestamp of the record at given offsets: a plain consumer without a group (assign,
 * seek, poll), never committing. The consumer fetches from every partition leader at once, so one
 * poll costs one fetch per broker while the partitions' first batches fit in {@link
 * #FETCH_MAX_BYTES}; each partition gives at most {@link #PARTITION_FETCH_BYTES} (a larger first
 * batch still comes whole, as Kafka returns at least one batch). A record that is gone (retention
 * moved the log start past it) or unreadable (no Read ACL on its topic) has no timestamp: the
 * caller interpolates. An offset read at the last poll is not read again.
 */
final class RecordTimestamps implements AutoCloseable {

  static final int FETCH_MAX_BYTES = 1024 * 1024;
  static final int PARTITION_FETCH_BYTES = 16 * 1024;

  private final Map<String, Object> clientProperties;
  private KafkaConsumer<byte[], byte[]> consumer;
  private Map<TopicPartition, Poll.RecordTime> lastRead = new HashMap<>();

  RecordTimestamps(Map<String, Object> clientProperties) {
    this.clientProperties = clientProperties;
  }

  /** The timestamp of the record at each wanted offset that could be read within {@code budget}. */
  Map<TopicPartition, Poll.RecordTime> read(Map<TopicPartition, Long> wanted, Duration budget) {
    Map<TopicPartition, Poll.RecordTime> found = new HashMap<>();
    Map<TopicPartition, Long> toFetch = new HashMap<>();
    wanted.forEach(
        (tp, offset) -> {
          Poll.RecordTime known = lastRead.get(tp);
          if (known != null && known.offset() == offset) {
            found.put(tp, known); // the group has not moved: the same record
          } else {
            toFetch.put(tp, offset);
          }
        });
    if (!toFetch.isEmpty()) {
      fetch(toFetch, budget, found);
    }
    lastRead = new HashMap<>(found);
    return found;
  }

  private void fetch(
      Map<TopicPartition, Long> toFetch,
      Duration budget,
      Map<TopicPartition, Poll.RecordTime> out) {
    KafkaConsumer<byte[], byte[]> c = consumer();
    // Assigning anew (not unsubscribing first) asks for no metadata while the topics are the
    // same; positions are set by the seeks, pauses of the last poll lifted.
    c.assign(toFetch.keySet());
    c.resume(c.paused());
    toFetch.forEach(c::seek);
    Set<TopicPartition> pending = new HashSet<>(toFetch.keySet());
    long deadline = System.nanoTime() + budget.toNanos();
    while (!pending.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofNanos(left));
        for (TopicPartition tp : records.partitions()) {
          for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
            if (pending.contains(tp) && r.offset() >= toFetch.get(tp) && r.timestamp() >= 0) {
              out.put(tp, new Poll.RecordTime(toFetch.get(tp), r.timestamp()));
              pending.remove(tp);
            }
          }
        }
        // Answered partitions are fetched no further: the next poll asks only for the rest.
        c.pause(records.partitions());
      } catch (OffsetOutOfRangeException e) {
        giveUp(c, pending, e.offsetOutOfRangePartitions().keySet());
      } catch (TopicAuthorizationException e) {
        Set<TopicPartition> denied = new HashSet<>();
        pending.stream()
            .filter(tp -> e.unauthorizedTopics().contains(tp.topic()))
            .forEach(denied::add);
        giveUp(c, pending, denied);
      } catch (KafkaException e) {
        break; // anything else: what was read stands, the rest interpolates
      }
    }
  }

  private static void giveUp(
      KafkaConsumer<byte[], byte[]> c, Set<TopicPartition> pending, Set<TopicPartition> lost) {
    pending.removeAll(lost);
    c.pause(lost);
    if (lost.isEmpty()) {
      pending.clear(); // an error naming nothing we asked for: stop rather than spin
    }
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    if (consumer == null) {
      Map<String, Object> config = new HashMap<>(clientProperties);
      config.put(ConsumerConfig.CLIENT_ID_CONFIG, "lag-scaler-record-timestamps");
      config.remove(ConsumerConfig.GROUP_ID_CONFIG);
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
      config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_MAX_BYTES);
      config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, PARTITION_FETCH_BYTES);
      // One record per poll: a partition that has answered still has the rest of its batch
      // buffered when it is paused, so the consumer's pipelined next fetch (sent as a poll
      // returns) leaves it out; draining a whole response per poll would fetch it again.
      config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
      config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      // Admin-only settings in the shared client properties are not consumer settings.
      config.keySet().retainAll(ConsumerConfig.configNames());
      consumer = new KafkaConsumer<>(config);
    }
    return consumer;
  }

  /** Requests this consumer has sent, from its own per-node metrics. */
  long requestCount() {
    if (consumer == null) {
      return 0;
    }
    double total = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
      if (e.getKey().group().equals("consumer-node-metrics")
          && e.getKey().name().equals("request-total")) {
        total += ((Number) e.getValue().metricValue()).doubleValue();
      }
    }
    return Math.round(total);
  }

  @Override
  public void close() {
    if (consumer != null) {
      consumer.close(Duration.ofSeconds(5));
    }
  }
}
