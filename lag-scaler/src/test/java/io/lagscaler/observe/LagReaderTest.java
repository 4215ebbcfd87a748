package io.lagscaler.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.devstack.GroupOffsetsSeeder;
import io.lagscaler.devstack.KafkaCluster;
import io.lagscaler.devstack.WithKafka;
import io.lagscaler.signals.GroupSignals;
import io.lagscaler.signals.PartitionLag;
import io.lagscaler.signals.SignalSettings;
import io.lagscaler.signals.SignalTracker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Against a real KRaft broker (shared by the module). */
@WithKafka
class LagReaderTest {

  private static final AtomicInteger SEQ = new AtomicInteger();
  private static KafkaCluster kafka;
  private static Admin admin;
  private static LagReader reader;

  @BeforeAll
  static void connect(KafkaCluster cluster) {
    kafka = cluster;
    admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    reader =
        LagReader.connect(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
            Duration.ofSeconds(10),
            Clock.systemUTC());
  }

  @AfterAll
  static void close() {
    reader.close();
    admin.close();
  }

  private static String unique(String prefix) {
    return prefix + "-" + SEQ.incrementAndGet();
  }

  private static void createTopic(String topic, int partitions) throws Exception {
    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
  }

  private static void produce(String topic, int partition, int count) throws Exception {
    try (KafkaProducer<String, String> producer = producer(Map.of())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, partition, "k", "v" + i));
      }
      producer.flush();
    }
  }

  private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>(extra);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    return new KafkaProducer<>(config);
  }

  private static void commit(String group, String topic, int partition, long offset) {
    GroupOffsetsSeeder.commit(admin, group, Map.of(new TopicPartition(topic, partition), offset));
  }

  private static GroupOffsets.Read read(GroupQuery query) {
    GroupOffsets offsets = reader.poll(List.of(query)).groups().get(query.group());
    assertThat(offsets).isInstanceOf(GroupOffsets.Read.class);
    return (GroupOffsets.Read) offsets;
  }

  private static PartitionOffsets partition(GroupOffsets.Read read, String topic, int p) {
    return read.partitions().stream()
        .filter(o -> o.partition().equals(new PartitionKey(topic, p)))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void lagIsLogEndMinusCommittedAfterProducingNAndCommittingM() throws Exception {
    String topic = unique("orders");
    String group = unique("g");
    createTopic(topic, 3);
    produce(topic, 0, 100);
    commit(group, topic, 0, 40);

    GroupOffsets.Read read = read(GroupQuery.of(group));

    assertThat(read.partitions()).hasSize(3);
    assertThat(partition(read, topic, 0))
        .isEqualTo(
            new PartitionOffsets(
                new PartitionKey(topic, 0), Offset.known(40), Offset.known(100), Offset.known(0)));
    assertThat(partition(read, topic, 1).committed()).isInstanceOf(Offset.NoCommit.class);
    assertThat(read.state()).isEqualTo(GroupState.EMPTY);
    assertThat(read.members()).isZero();
  }

  @Test
  void aGroupThatNeverCommittedHasNoCommitOnEveryPartitionNotZero() throws Exception {
    String topic = unique("orders");
    createTopic(topic, 2);
    produce(topic, 1, 7);

    GroupOffsets.Read read = read(GroupQuery.of(unique("never"), Set.of(topic)));

    assertThat(read.state()).isEqualTo(GroupState.DEAD);
    assertThat(read.partitions())
        .extracting(PartitionOffsets::committed)
        .containsOnly(new Offset.NoCommit());
    assertThat(partition(read, topic, 1).logEnd()).isEqualTo(Offset.known(7));
  }

  @Test
  void aDeletedTopicKeepsItsCommittedPartitionsWithUnknownLogOffsets() throws Exception {
    String topic = unique("doomed");
    String group = unique("g");
    createTopic(topic, 2);
    produce(topic, 0, 5);
    commit(group, topic, 0, 5);
    admin.deleteTopics(List.of(topic)).all().get();

    GroupOffsets.Read read = read(GroupQuery.of(group));

    PartitionOffsets p0 = partition(read, topic, 0);
    assertThat(p0.committed()).isEqualTo(Offset.known(5));
    assertThat(p0.logEnd()).isEqualTo(new Offset.Unknown("topic does not exist"));
    assertThat(
            new SignalTracker(SignalSettings.DEFAULTS)
                .update(java.time.Instant.now(), GroupQuery.of(group), read))
        .isInstanceOfSatisfying(
            GroupSignals.Observed.class, s -> assertThat(s.unknownLagPartitions()).isEqualTo(1));
  }

  @Test
  void partitionsAddedSinceTheLastPollAppearWithoutACommitOnceTheMetadataAges() throws Exception {
    String topic = unique("growing");
    String group = unique("g");
    createTopic(topic, 2);
    commit(group, topic, 0, 0);
    commit(group, topic, 1, 0);
    try (LagReader shortLived =
        LagReader.connect(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            Duration.ofSeconds(10),
            Duration.ofMillis(300),
            Clock.systemUTC())) {
      GroupQuery query = GroupQuery.of(group);
      assertThat(readWith(shortLived, query).partitions()).hasSize(2);

      admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(4))).all().get();
      produce(topic, 3, 9);
      Thread.sleep(300); // the metadata max age: I/O adapter, real time

      GroupOffsets.Read read = readWith(shortLived, query);
      assertThat(read.partitions()).hasSize(4);
      assertThat(partition(read, topic, 3).committed()).isInstanceOf(Offset.NoCommit.class);
      assertThat(partition(read, topic, 3).logEnd()).isEqualTo(Offset.known(9));
    }
  }

  @Test
  void aCommitOnAnUnknownPartitionRefreshesTheMetadataAtOnce() throws Exception {
    String topic = unique("growing");
    String group = unique("g");
    createTopic(topic, 1);
    commit(group, topic, 0, 0);
    GroupQuery query = GroupQuery.of(group);
    assertThat(read(query).partitions()).hasSize(1);

    admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(3))).all().get();
    commit(group, topic, 2, 0); // a consumer already works on the new partition

    assertThat(read(query).partitions()).hasSize(3);
  }

  private static GroupOffsets.Read readWith(LagReader r, GroupQuery query) {
    return (GroupOffsets.Read) r.poll(List.of(query)).groups().get(query.group());
  }

  @Test
  void aCommitBelowTheLogStartCountsFromTheLogStartAndIsFlagged() throws Exception {
    String topic = unique("retained");
    String group = unique("g");
    createTopic(topic, 1);
    produce(topic, 0, 100);
    commit(group, topic, 0, 10);
    // What retention does: move the log start past the committed offset.
    admin
        .deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(50)))
        .all()
        .get();

    GroupOffsets.Read read = read(GroupQuery.of(group));

    assertThat(partition(read, topic, 0).logStart()).isEqualTo(Offset.known(50));
    GroupSignals.Observed signals =
        (GroupSignals.Observed)
            new SignalTracker(SignalSettings.DEFAULTS)
                .update(java.time.Instant.now(), GroupQuery.of(group), read);
    assertThat(signals.partitions().getFirst().lag())
        .isEqualTo(new PartitionLag.Known(50, PartitionLag.LagBasis.RETENTION_TRUNCATED));
    assertThat(signals.retentionTruncatedPartitions()).isEqualTo(1);
  }

  @Test
  void readCommittedGroupsSeeTheLastStableOffsetNotTheHighWatermark() throws Exception {
    String topic = unique("tx");
    String group = unique("g");
    createTopic(topic, 1);
    try (KafkaProducer<String, String> tx =
        producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, unique("tx-id")))) {
      tx.initTransactions();
      tx.beginTransaction();
      for (int i = 0; i < 10; i++) {
        tx.send(new ProducerRecord<>(topic, 0, "k", "committed" + i));
      }
      tx.commitTransaction(); // offsets 0-9, marker at 10
      tx.beginTransaction();
      for (int i = 0; i < 5; i++) {
        tx.send(new ProducerRecord<>(topic, 0, "k", "open" + i)); // offsets 11-15, still open
      }
      tx.flush();
      commit(group, topic, 0, 0);

      GroupQuery committed =
          new GroupQuery(
              group, new TreeSet<>(Set.of(topic)), Isolation.READ_COMMITTED, OffsetReset.LATEST);
      GroupQuery uncommitted = GroupQuery.of(group, Set.of(topic));

      assertThat(partition(read(committed), topic, 0).logEnd()).isEqualTo(Offset.known(11));
      assertThat(partition(read(uncommitted), topic, 0).logEnd()).isEqualTo(Offset.known(16));
      tx.abortTransaction();
    }
  }

  @ParameterizedTest(name = "group.protocol={0}")
  @ValueSource(strings = {"classic", "consumer"})
  void aLiveGroupReportsItsStateMembersAndProtocol(String protocol) throws Exception {
    String topic = unique("live");
    String group = unique("g");
    createTopic(topic, 2);
    produce(topic, 0, 10);
    try (KafkaConsumer<String, String> consumer = consumeAndCommit(group, protocol, topic, 10)) {
      GroupOffsets.Read read = read(GroupQuery.of(group));

      assertThat(read.state()).isEqualTo(GroupState.STABLE);
      assertThat(read.members()).isEqualTo(1);
      assertThat(read.protocol())
          .isEqualTo(protocol.equals("consumer") ? GroupProtocol.CONSUMER : GroupProtocol.CLASSIC);
      assertThat(partition(read, topic, 0).committed()).isEqualTo(Offset.known(10));
    }
  }

  @Test
  void aGroupThatMovesFromTheClassicToTheConsumerProtocolIsDescribedAsItIsNow() throws Exception {
    String topic = unique("migrating");
    String group = unique("g");
    createTopic(topic, 2);
    produce(topic, 0, 10);
    try (KafkaConsumer<String, String> classic = consumeAndCommit(group, "classic", topic, 10)) {
      read(GroupQuery.of(group));
      // Classic at the last poll: described with the classic API alone.
      assertThat(read(GroupQuery.of(group)).protocol()).isEqualTo(GroupProtocol.CLASSIC);
    }
    produce(topic, 0, 5);
    try (KafkaConsumer<String, String> consumer = consumeAndCommit(group, "consumer", topic, 5)) {
      GroupOffsets.Read read = read(GroupQuery.of(group));
      assertThat(read.protocol()).isEqualTo(GroupProtocol.CONSUMER);
      assertThat(read.state()).isEqualTo(GroupState.STABLE);
      assertThat(read.members()).isEqualTo(1);
      assertThat(partition(read, topic, 0).committed()).isEqualTo(Offset.known(15));
    }
  }

  /** A live member of {@code group} that has consumed {@code count} records and committed. */
  private static KafkaConsumer<String, String> consumeAndCommit(
      String group, String protocol, String topic, int count) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config);
    consumer.subscribe(List.of(topic));
    int seen = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (seen < count && System.nanoTime() < deadline) {
      seen += consumer.poll(Duration.ofMillis(200)).count();
    }
    consumer.commitSync();
    return consumer;
  }

  @Test
  void brokerRequestsPerPollDoNotGrowWithTheNumberOfGroups() throws Exception {
    List<String> topics = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      String topic = unique("many");
      createTopic(topic, 5);
      topics.add(topic);
    }
    List<GroupQuery> groups = new ArrayList<>();
    for (int g = 0; g < 200; g++) {
      String group = unique("many-g");
      String topic = topics.get(g % topics.size());
      GroupOffsetsSeeder.commit(
          admin, group, Map.of(new TopicPartition(topic, 0), 0L, new TopicPartition(topic, 1), 0L));
      groups.add(GroupQuery.of(group));
    }
    reader.poll(groups); // warm metadata and connections

    Poll twenty = reader.poll(groups.subList(0, 20));
    Poll all = reader.poll(groups);

    assertThat(all.groups()).hasSize(200);
    assertThat(all.groups().values()).allMatch(g -> g instanceof GroupOffsets.Read);
    assertThat(all.stats().groupPartitions()).isEqualTo(200 * 5);
    assertThat(all.stats().partitions()).isEqualTo(20);
    assertThat(all.stats().brokerRequests())
        .isEqualTo(twenty.stats().brokerRequests())
        // FindCoordinator x2, OffsetFetch, DescribeGroups (every group was classic at the last
        // poll, so the classic describe alone), ListOffsets x2.
        .isEqualTo(6);
  }

  @Test
  void anUnreachableBrokerFailsEveryGroupWithTheReasonInsteadOfThrowing() {
    try (LagReader unreachable =
        LagReader.connect(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"),
            Duration.ofMillis(1500),
            Clock.systemUTC())) {
      Poll poll = unreachable.poll(List.of(GroupQuery.of("a"), GroupQuery.of("b")));
      assertThat(poll.groups().values())
          .allSatisfy(
              g ->
                  assertThat(g)
                      .isInstanceOfSatisfying(
                          GroupOffsets.Failed.class,
                          f -> assertThat(f.error()).contains("committed offsets")));
      org.assertj.core.api.Assertions.assertThatThrownBy(unreachable::checkReachable)
          .isInstanceOf(KafkaUnavailableException.class)
          .hasMessageContaining("no Kafka broker answered");
    }
  }

  @Test
  void listsTheGroupIdsOfTheCluster() throws Exception {
    String group = unique("listed");
    String topic = unique("t");
    createTopic(topic, 1);
    commit(group, topic, 0, 0);
    assertThat(reader.listGroupIds()).contains(group);
  }
}
