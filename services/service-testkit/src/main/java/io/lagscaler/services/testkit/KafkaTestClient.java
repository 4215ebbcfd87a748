package io.lagscaler.services.testkit;

import io.lagscaler.services.common.kafka.KafkaClients;
import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.common.order.OrderJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Producing, reading and offset checks against a real broker, for tests and load tools. */
public final class KafkaTestClient implements AutoCloseable {

  private final String bootstrapServers;
  private final Admin admin;
  private final KafkaProducer<byte[], byte[]> producer;

  public KafkaTestClient(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
    this.admin = Admin.create(KafkaClients.admin(bootstrapServers));
    this.producer = new KafkaProducer<>(KafkaClients.producer(bootstrapServers, "test-client"));
  }

  public Admin admin() {
    return admin;
  }

  public void createTopic(String topic, int partitions) {
    KafkaClients.ensureTopic(admin, topic, partitions);
  }

  /** Sends orders keyed by store, as the intake does, and waits for every acknowledgement. */
  public void send(String topic, List<Order> orders) {
    List<Future<RecordMetadata>> futures = new ArrayList<>();
    for (Order order : orders) {
      futures.add(
          producer.send(
              new ProducerRecord<>(
                  topic,
                  order.storeId().getBytes(StandardCharsets.UTF_8),
                  OrderJson.toBytes(order))));
    }
    awaitAll(futures);
  }

  public void sendRaw(String topic, String key, byte[] value) {
    awaitAll(
        List.of(
            producer.send(
                new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))));
  }

  private static void awaitAll(List<Future<RecordMetadata>> futures) {
    try {
      for (Future<RecordMetadata> f : futures) {
        f.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("send failed: " + e, e);
    }
  }

  /** The sum over partitions of end offsets. */
  public long endOffsetTotal(String topic) {
    try {
      Set<TopicPartition> partitions = partitions(topic);
      ListOffsetsResult result =
          admin.listOffsets(
              partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())));
      long total = 0;
      for (TopicPartition p : partitions) {
        total += result.partitionResult(p).get().offset();
      }
      return total;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The sum over partitions of the group's committed offsets (0 where none). */
  public long committedTotal(String group, String topic) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      return offsets.entrySet().stream()
          .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
          .mapToLong(e -> e.getValue().offset())
          .sum();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** True when the group has committed up to the end of every partition of the topic. */
  public boolean caughtUp(String group, String topic) {
    return committedTotal(group, topic) == endOffsetTotal(topic);
  }

  private Set<TopicPartition> partitions(String topic) throws Exception {
    return admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get()
        .get(topic)
        .partitions()
        .stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .collect(Collectors.toSet());
  }

  /**
   * Reads every committed record of a topic from the beginning until {@code count} are seen ({@code
   * read_committed}: records of aborted transactions, such as a failed dead-letter send, are not
   * seen, as no real reader of the topic sees them).
   */
  public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int count, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(readerConfig())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
    }
    return records;
  }

  /**
   * Every committed record of a topic, read up to its last stable offset once no transaction is
   * open on it any more (aborted records excluded, as with {@link #readAll}).
   */
  public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(readerConfig())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        // Under read_committed the end offset is the last stable offset: it stays below an open
        // transaction, so reaching it with the log end means nothing is pending.
        Map<TopicPartition, Long> stable = consumer.endOffsets(partitions);
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        boolean atEnd = partitions.stream().allMatch(p -> consumer.position(p) >= stable.get(p));
        if (atEnd && stable.equals(endOffsets(partitions))) {
          return records;
        }
      }
    }
    throw new IllegalStateException(topic + " still had an open transaction after " + timeout);
  }

  private Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) {
    try {
      Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
      partitions.forEach(p -> latest.put(p, org.apache.kafka.clients.admin.OffsetSpec.latest()));
      Map<TopicPartition, Long> result = new HashMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get()
          .forEach((partition, info) -> result.put(partition, info.offset()));
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("could not read end offsets: " + e.getCause(), e);
    }
  }

  private Map<String, Object> readerConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return config;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    admin.close(Duration.ofSeconds(5));
  }
}
