package io.lagscaler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lagscaler.devstack.GroupOffsetsSeeder;
import io.lagscaler.devstack.KafkaCluster;
import io.lagscaler.devstack.WithKafka;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithKafka
class LagCommandTest {

  private static String bootstrap;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @BeforeAll
  static void seed(KafkaCluster kafka) throws Exception {
    bootstrap = kafka.bootstrapServers();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        KafkaProducer<String, String> producer =
            new KafkaProducer<>(
                Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
      admin.createTopics(List.of(new NewTopic("cli-orders", 2, (short) 1))).all().get();
      for (int i = 0; i < 50; i++) {
        producer.send(new ProducerRecord<>("cli-orders", 0, "k", "v"));
      }
      producer.flush();
      GroupOffsetsSeeder.commit(
          admin, "cli-group", Map.of(new TopicPartition("cli-orders", 0), 20L));
    }
  }

  @Test
  void showsEachGroupsLagStateAndStatusAsATable() {
    CliRun run =
        run(
            "lag",
            "-b",
            bootstrap,
            "--group",
            "cli-group",
            "--sample",
            "1s",
            "--interval",
            "500ms");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("GROUP", "TIME-LAG", "STATUS")
        .containsPattern("cli-group\\s+EMPTY\\s+0\\s+CLASSIC\\s+2\\s+30\\s+>=[0-9.]+s")
        .contains("STOPPED");
  }

  @Test
  void jsonWithPartitionsCarriesEveryPartition() throws Exception {
    CliRun run =
        run(
            "lag",
            "-b",
            bootstrap,
            "-g",
            "cli-group",
            "--json",
            "--partitions",
            "--sample",
            "1s",
            "--interval",
            "500ms");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode group = new ObjectMapper().readTree(run.out()).get(0);
    assertThat(group.get("totalLag").asLong()).isEqualTo(30);
    assertThat(group.get("partitionDetails")).hasSize(2);
    assertThat(group.get("partitionDetails").get(1).get("committed").isNull()).isTrue();
    assertThat(group.get("partitionDetails").get(1).get("lagBasis").asText())
        .isEqualTo("NO_COMMIT_LATEST");
  }

  @Test
  void withoutAGroupItShowsEveryGroup() {
    CliRun run = run("lag", "-b", bootstrap, "--sample", "0s");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("cli-group");
  }

  @Test
  void aNamedGroupThatDoesNotExistExitsTwoAndSaysSo() {
    CliRun run = run("lag", "-b", bootstrap, "-g", "no-such-group", "--sample", "0s");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("consumer group no-such-group not found");
  }

  @Test
  void anUnreachableBrokerExitsTwoWithAClearMessage() {
    CliRun run = run("lag", "-b", "127.0.0.1:1", "--timeout", "1s", "--sample", "0s");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("no Kafka broker answered within 1000 ms");
  }

  @Test
  void aBadDurationIsAUsageErrorNamingTheValue() {
    CliRun run = run("lag", "-b", bootstrap, "--sample", "soon");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("'soon' is not a duration");
  }
}
