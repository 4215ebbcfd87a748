package io.lagscaler.observe.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lagscaler.devstack.GroupOffsetsSeeder;
import io.lagscaler.observe.GroupOffsets;
import io.lagscaler.observe.GroupProtocol;
import io.lagscaler.observe.GroupQuery;
import io.lagscaler.observe.GroupState;
import io.lagscaler.observe.Isolation;
import io.lagscaler.observe.LagReader;
import io.lagscaler.observe.Offset;
import io.lagscaler.observe.OffsetReset;
import io.lagscaler.observe.PartitionKey;
import io.lagscaler.observe.PartitionOffsets;
import io.lagscaler.observe.Poll;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * What the observer must read correctly from a broker of any supported Kafka release: the same
 * tests run against child-JVM brokers of each release ({@link KafkaVersionsTest}) and against the
 * official images ({@link KafkaImagesTest}). A subclass gives the broker and its release.
 */
abstract class LagReaderContract {

  private static final AtomicInteger SEQ = new AtomicInteger();

  /** The broker under test. */
  protected abstract String bootstrapServers();

  /** Its Kafka release, such as {@code 3.9.1}. */
  protected abstract String kafkaVersion();

  private boolean atLeast(int major, int minor) {
    String[] parts = kafkaVersion().split("\\.");
    int ma = Integer.parseInt(parts[0]);
    int mi = Integer.parseInt(parts[1]);
    return ma > major || (ma == major && mi >= minor);
  }

  private static String unique(String prefix) {
    return prefix + "-" + SEQ.incrementAndGet();
  }

  private Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  private LagReader reader() {
    return LagReader.connect(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()),
        Duration.ofSeconds(10),
        Clock.systemUTC());
  }

  private void topic(Admin admin, String topic, int partitions) throws Exception {
    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
  }

  private KafkaProducer<String, String> producer(Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>(extra);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    return new KafkaProducer<>(config);
  }

  private void produce(String topic, int partition, int count) {
    try (KafkaProducer<String, String> producer = producer(Map.of())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, partition, "k", "v" + i));
      }
      producer.flush();
    }
  }

  private static GroupOffsets.Read read(LagReader reader, GroupQuery query) {
    GroupOffsets offsets = reader.poll(List.of(query)).groups().get(query.group());
    assertThat(offsets).as(String.valueOf(offsets)).isInstanceOf(GroupOffsets.Read.class);
    return (GroupOffsets.Read) offsets;
  }

  private static PartitionOffsets partition(GroupOffsets.Read read, String topic, int p) {
    return read.partitions().stream()
        .filter(o -> o.partition().equals(new PartitionKey(topic, p)))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void lagIsLogEndMinusCommittedAndAPartitionWithoutACommitHasNone() throws Exception {
    String topic = unique("orders");
    String group = unique("g");
    try (Admin admin = admin();
        LagReader reader = reader()) {
      topic(admin, topic, 3);
      produce(topic, 0, 100);
      GroupOffsetsSeeder.commit(admin, group, Map.of(new TopicPartition(topic, 0), 40L));

      GroupOffsets.Read read = read(reader, GroupQuery.of(group));

      assertThat(read.partitions()).hasSize(3);
      assertThat(partition(read, topic, 0))
          .isEqualTo(
              new PartitionOffsets(
                  new PartitionKey(topic, 0),
                  Offset.known(40),
                  Offset.known(100),
                  Offset.known(0)));
      assertThat(partition(read, topic, 1).committed()).isInstanceOf(Offset.NoCommit.class);
      assertThat(read.state()).isEqualTo(GroupState.EMPTY);
    }
  }

  @Test
  void aCommitBelowTheLogStartShowsTheLogStartRetentionMoved() throws Exception {
    String topic = unique("retained");
    String group = unique("g");
    try (Admin admin = admin();
        LagReader reader = reader()) {
      topic(admin, topic, 1);
      produce(topic, 0, 100);
      GroupOffsetsSeeder.commit(admin, group, Map.of(new TopicPartition(topic, 0), 10L));
      admin
          .deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(50)))
          .all()
          .get();

      PartitionOffsets p0 = partition(read(reader, GroupQuery.of(group)), topic, 0);

      assertThat(p0.logStart()).isEqualTo(Offset.known(50));
      assertThat(p0.committed()).isEqualTo(Offset.known(10));
    }
  }

  @Test
  void aReadCommittedGroupSeesTheLastStableOffset() throws Exception {
    String topic = unique("tx");
    String group = unique("g");
    try (Admin admin = admin();
        LagReader reader = reader();
        KafkaProducer<String, String> tx =
            producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, unique("tx-id")))) {
      topic(admin, topic, 1);
      tx.initTransactions();
      tx.beginTransaction();
      for (int i = 0; i < 10; i++) {
        tx.send(new ProducerRecord<>(topic, 0, "k", "committed" + i));
      }
      tx.commitTransaction(); // offsets 0-9, marker at 10
      tx.beginTransaction();
      for (int i = 0; i < 5; i++) {
        tx.send(new ProducerRecord<>(topic, 0, "k", "open" + i)); // 11-15, still open
      }
      tx.flush();
      GroupOffsetsSeeder.commit(admin, group, Map.of(new TopicPartition(topic, 0), 0L));

      GroupQuery committed =
          new GroupQuery(
              group, new TreeSet<>(Set.of(topic)), Isolation.READ_COMMITTED, OffsetReset.LATEST);
      assertThat(partition(read(reader, committed), topic, 0).logEnd()).isEqualTo(Offset.known(11));
      assertThat(partition(read(reader, GroupQuery.of(group, Set.of(topic))), topic, 0).logEnd())
          .isEqualTo(Offset.known(16));
      tx.abortTransaction();
    }
  }

  @Test
  void aLiveClassicGroupIsStableWithItsMember() throws Exception {
    liveGroupIsStableWithItsMember("classic", GroupProtocol.CLASSIC);
  }

  @Test
  void aLiveConsumerProtocolGroupIsStableWithItsMember() throws Exception {
    assumeTrue(atLeast(4, 0), "the consumer protocol (KIP-848) is generally available from 4.0");
    liveGroupIsStableWithItsMember("consumer", GroupProtocol.CONSUMER);
  }

  private void liveGroupIsStableWithItsMember(String protocol, GroupProtocol expected)
      throws Exception {
    String topic = unique("live");
    String group = unique("g");
    try (Admin admin = admin();
        LagReader reader = reader()) {
      topic(admin, topic, 2);
      produce(topic, 0, 10);
      try (KafkaConsumer<String, String> consumer = consumer(group, protocol, topic)) {
        consume(consumer, 10);
        consumer.commitSync();

        GroupOffsets.Read read = read(reader, GroupQuery.of(group));

        assertThat(read.state()).isEqualTo(GroupState.STABLE);
        assertThat(read.members()).isEqualTo(1);
        assertThat(read.protocol()).isEqualTo(expected);
        assertThat(partition(read, topic, 0).committed()).isEqualTo(Offset.known(10));
      }
    }
  }

  /**
   * A member that holds partitions and stops polling cannot revoke them when a second member joins:
   * its epoch stays behind the target assignment's, and the reader says REBALANCING from the
   * epochs; once it polls again both reach the target epoch and the group is STABLE.
   */
  @Test
  void aConsumerProtocolRebalanceInProgressIsToldByTheEpochs() throws Exception {
    assumeTrue(atLeast(4, 0), "the consumer protocol (KIP-848) is generally available from 4.0");
    String topic = unique("epochs");
    String group = unique("g");
    try (Admin admin = admin();
        LagReader reader = reader();
        KafkaConsumer<String, String> first = consumer(group, "consumer", topic)) {
      topic(admin, topic, 4);
      produce(topic, 0, 4);
      consume(first, 4); // owns all four partitions
      assertThat(read(reader, GroupQuery.of(group)).state()).isEqualTo(GroupState.STABLE);

      AtomicBoolean stop = new AtomicBoolean();
      Thread second =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (KafkaConsumer<String, String> c = consumer(group, "consumer", topic)) {
                      while (!stop.get()) {
                        c.poll(Duration.ofMillis(100));
                      }
                    }
                  });
      try {
        // The first member does not poll: it cannot give partitions up.
        GroupOffsets.Read during = awaitState(reader, group, GroupState.REBALANCING, () -> {});
        assertThat(during.members()).isEqualTo(2);
        // Polling again, it revokes and the assignment completes.
        GroupOffsets.Read after =
            awaitState(reader, group, GroupState.STABLE, () -> first.poll(Duration.ofMillis(100)));
        assertThat(after.members()).isEqualTo(2);
      } finally {
        stop.set(true);
        second.join();
      }
    }
  }

  /** Reads the group until it is in {@code state}, running {@code meanwhile} between reads. */
  private static GroupOffsets.Read awaitState(
      LagReader reader, String group, GroupState state, Runnable meanwhile)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    GroupOffsets.Read read = read(reader, GroupQuery.of(group));
    while (read.state() != state && System.nanoTime() < deadline) {
      meanwhile.run();
      Thread.sleep(100); // I/O adapter against a real broker: real time
      read = read(reader, GroupQuery.of(group));
    }
    assertThat(read.state()).as("group %s", group).isEqualTo(state);
    return read;
  }

  @Test
  void brokerRequestsPerPollDoNotGrowWithTheNumberOfGroups() throws Exception {
    String topic = unique("many");
    List<GroupQuery> groups = new ArrayList<>();
    try (Admin admin = admin();
        LagReader reader = reader()) {
      topic(admin, topic, 5);
      for (int g = 0; g < 60; g++) {
        String group = unique("many-g");
        GroupOffsetsSeeder.commit(admin, group, Map.of(new TopicPartition(topic, 0), 0L));
        groups.add(GroupQuery.of(group));
      }
      reader.poll(groups); // warm metadata and connections

      Poll few = reader.poll(groups.subList(0, 6));
      Poll all = reader.poll(groups);

      assertThat(all.groups().values()).allMatch(GroupOffsets.Read.class::isInstance);
      assertThat(all.stats().groupPartitions()).isEqualTo(60 * 5);
      assertThat(all.stats().brokerRequests()).isEqualTo(few.stats().brokerRequests());
    }
  }

  @Test
  void listsTheGroupIdsOfTheCluster() throws Exception {
    String topic = unique("t");
    String group = unique("listed");
    try (Admin admin = admin();
        LagReader reader = reader()) {
      topic(admin, topic, 1);
      GroupOffsetsSeeder.commit(admin, group, Map.of(new TopicPartition(topic, 0), 0L));
      assertThat(reader.listGroupIds()).contains(group);
    }
  }

  private KafkaConsumer<String, String> consumer(String group, String protocol, String topic) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 120_000);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config);
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  /** Polls until {@code count} records came (at least once, so the member joins). */
  private static void consume(KafkaConsumer<String, String> consumer, int count) {
    int seen = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    do {
      seen += consumer.poll(Duration.ofMillis(200)).count();
    } while ((seen < count || consumer.assignment().isEmpty()) && System.nanoTime() < deadline);
  }
}
