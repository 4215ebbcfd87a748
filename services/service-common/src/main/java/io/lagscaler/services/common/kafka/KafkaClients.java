package io.lagscaler.services.common.kafka;

import io.lagscaler.services.common.config.ServiceConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Kafka client settings the services agree on, and topic creation. */
public final class KafkaClients {

  private KafkaClients() {}

  /** An idempotent producer: retries never duplicate or reorder within a partition. */
  public static Map<String, Object> producer(String bootstrapServers, String clientId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return config;
  }

  /**
   * The dead-letter producer: transactional, so that a send that failed and is retried leaves one
   * visible copy (read the dead-letter topic with {@code isolation.level=read_committed}). Calls
   * block at most 10 s, so a broker outage turns into the consumer's backoff; an open transaction
   * of a crashed process is aborted by the broker after 30 s.
   */
  public static Map<String, Object> deadLetterProducer(
      String bootstrapServers, String clientId, String transactionalId) {
    Map<String, Object> config = producer(bootstrapServers, clientId);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return config;
  }

  /** A consumer that commits by hand (after the store write) and reads from the beginning. */
  public static Map<String, Object> consumer(
      String bootstrapServers, ServiceConfig.Consumer settings, String clientId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    switch (settings.groupProtocol()) {
      case CLASSIC -> {
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        // Cooperative: a rebalance moves only the partitions that change owner, so scaling
        // out does not stop every replica.
        config.put(
            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            List.of(CooperativeStickyAssignor.class.getName()));
      }
      // KIP-848: the broker assigns; the client-side assignor setting is rejected with it.
      case CONSUMER -> config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
    }
    return config;
  }

  public static Map<String, Object> admin(String bootstrapServers) {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    return config;
  }

  /**
   * Creates the topic if it is missing (another replica creating it first is fine) and waits until
   * every partition's leader serves requests. A broker that does not answer yet (starting, or slow
   * on a loaded node) is asked again for up to a minute before the service gives up.
   */
  public static void ensureTopic(Admin admin, String topic, int partitions) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        ensureTopicOnce(admin, topic, partitions);
        return;
      } catch (IllegalStateException e) {
        boolean unanswered =
            e.getCause() instanceof java.util.concurrent.TimeoutException
                || (e.getCause() instanceof ExecutionException ee
                    && ee.getCause() instanceof org.apache.kafka.common.errors.TimeoutException);
        if (!unanswered || System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  private static void ensureTopicOnce(Admin admin, String topic, int partitions) {
    try {
      if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
        try {
          admin
              .createTopics(List.of(new NewTopic(topic, partitions, (short) -1)))
              .all()
              .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "could not create topic " + topic + ": " + e.getCause(), e);
          }
        }
      }
      awaitLeaders(admin, topic);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not describe topic " + topic + ": " + e.getCause(), e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer while creating topic " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + topic, e);
    }
  }

  // A produce right after creation can meet NOT_LEADER_OR_FOLLOWER, which can leave an
  // idempotent producer retrying OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout.
  // ListOffsets is answered by the partition leader itself, so its success means the leaders
  // are live.
  private static void awaitLeaders(Admin admin, String topic)
      throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        // Right after creation even describeTopics may not know the topic yet.
        int count =
            admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(topic)
                .partitions()
                .size();
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec>
            latest = new HashMap<>();
        for (int p = 0; p < count; p++) {
          latest.put(
              new org.apache.kafka.common.TopicPartition(topic, p),
              org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
        admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
        Thread.sleep(50);
      }
    }
  }

  /** Null when the cluster answers within two seconds, otherwise the problem (for /readyz). */
  public static String problem(Admin admin) {
    try {
      admin.describeCluster().clusterId().get(2, TimeUnit.SECONDS);
      return null;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return "Kafka unreachable: " + e;
    }
  }
}
