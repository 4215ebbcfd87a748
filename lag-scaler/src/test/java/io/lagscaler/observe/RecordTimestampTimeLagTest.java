package io.lagscaler.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lagscaler.devstack.GroupOffsetsSeeder;
import io.lagscaler.devstack.KafkaCluster;
import io.lagscaler.devstack.WithKafka;
import io.lagscaler.signals.GroupSignals;
import io.lagscaler.signals.PartitionSignals;
import io.lagscaler.signals.SignalSettings;
import io.lagscaler.signals.SignalTracker;
import io.lagscaler.signals.TimeLag;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code timeLag: interpolated} against {@code record-timestamp} on one bursty producer and a real
 * broker: the log end is sampled, the producer is idle, then writes a burst just before the next
 * sample. Interpolation spreads the burst over the whole interval and dates the committed record
 * too early; the record's own timestamp dates it right. docs/signals.md quotes the figures.
 */
@WithKafka
class RecordTimestampTimeLagTest {

  private static final SignalSettings INTERPOLATED = SignalSettings.DEFAULTS;
  private static final SignalSettings RECORD =
      SignalSettings.DEFAULTS.withTimeLag(SignalSettings.TimeLagSource.RECORD_TIMESTAMP);

  @Test
  void aBurstJustBeforeASampleIsDatedByItsRecordsNotSpreadOverTheInterval(KafkaCluster kafka)
      throws Exception {
    String topic = "bursty-" + System.nanoTime();
    String group = "bursty-g";
    GroupQuery query = GroupQuery.of(group, Set.of(topic));
    SignalTracker interpolated = new SignalTracker(INTERPOLATED);
    SignalTracker record = new SignalTracker(RECORD);
    try (Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        LagReader reader =
            LagReader.connect(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                Duration.ofSeconds(10),
                Clock.systemUTC());
        KafkaProducer<String, String> producer =
            new KafkaProducer<>(
                Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(),
                    // A just-created topic's first sends can be refused (no leader yet); without
                    // idempotence a retry is not refused again as out of sequence.
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    false,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    StringSerializer.class))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
      // Partition 1 will have its committed record deleted by retention: it falls back.
      for (int i = 0; i < 100; i++) {
        producer.send(new ProducerRecord<>(topic, 1, "k", "old" + i));
      }
      producer.flush();
      feed(reader.poll(List.of(query), true), query, interpolated, record);

      Thread.sleep(6_000); // the producer is idle (real broker, real time)
      long burstStart = System.currentTimeMillis();
      for (int i = 0; i < 1_000; i++) {
        producer.send(new ProducerRecord<>(topic, 0, "k", "burst" + i));
      }
      producer.flush();
      long burstEnd = System.currentTimeMillis();
      GroupOffsetsSeeder.commit(
          admin,
          group,
          Map.of(new TopicPartition(topic, 0), 500L, new TopicPartition(topic, 1), 10L));
      admin
          .deleteRecords(Map.of(new TopicPartition(topic, 1), RecordsToDelete.beforeOffset(50)))
          .all()
          .get();
      Thread.sleep(1_000);

      Poll poll = reader.poll(List.of(query), true);
      long now = poll.at().toEpochMilli();
      GroupSignals.Observed[] both = feed(poll, query, interpolated, record);

      TimeLag byInterpolation = partition(both[0], 0).timeLag();
      TimeLag byRecord = partition(both[1], 0).timeLag();
      double truth = (now - (burstStart + burstEnd) / 2.0) / 1000.0;
      double burstSpan = (burstEnd - burstStart) / 1000.0;
      System.out.printf(
          "bursty producer, committed record written %.2f s ago (burst took %.2f s):"
              + " interpolated %s, record-timestamp %s%n",
          truth, burstSpan, byInterpolation, byRecord);
      assertThat(byRecord)
          .isInstanceOfSatisfying(
              TimeLag.Known.class,
              k -> {
                assertThat(k.basis()).isEqualTo(TimeLag.TimeLagBasis.RECORD_TIMESTAMP);
                assertThat(k.seconds()).isCloseTo(truth, within(burstSpan / 2 + 0.05));
              });
      // Interpolation spreads the burst over the 7 s between samples: about 2.5 s too old.
      assertThat(((TimeLag.Known) byInterpolation).seconds()).isGreaterThan(truth + 1.0);

      // The record at partition 1's commit is gone: interpolated (from the log start), no error.
      assertThat(partition(both[1], 1).timeLag())
          .isInstanceOfSatisfying(
              TimeLag.Known.class,
              k -> assertThat(k.basis()).isNotEqualTo(TimeLag.TimeLagBasis.RECORD_TIMESTAMP));

      // A moved commit costs one fetch (one broker) on top of the poll without timestamps.
      GroupOffsetsSeeder.commit(admin, group, Map.of(new TopicPartition(topic, 0), 600L));
      long plain = reader.poll(List.of(query), false).stats().brokerRequests();
      GroupOffsetsSeeder.commit(admin, group, Map.of(new TopicPartition(topic, 0), 700L));
      long withTimestamps = reader.poll(List.of(query), true).stats().brokerRequests();
      assertThat(withTimestamps).isEqualTo(plain + 1);
    }
  }

  private static GroupSignals.Observed[] feed(
      Poll poll, GroupQuery query, SignalTracker interpolated, SignalTracker record) {
    return new GroupSignals.Observed[] {
      (GroupSignals.Observed) interpolated.update(poll, List.of(query)).get(query.group()),
      (GroupSignals.Observed) record.update(poll, List.of(query)).get(query.group())
    };
  }

  private static PartitionSignals partition(GroupSignals.Observed signals, int p) {
    return signals.partitions().stream()
        .filter(s -> s.partition().partition() == p)
        .findFirst()
        .orElseThrow();
  }
}
