package io.lagscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.act.Leadership;
import io.lagscaler.controller.Controller;
import io.lagscaler.controller.ControllerStatus;
import io.lagscaler.devstack.GroupOffsetsSeeder;
import io.lagscaler.explain.ScalerMetrics;
import io.lagscaler.signals.GroupSignals;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
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
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One broker of three stops (a broker replacement, KEDA #4098): the partitions it led, and perhaps
 * the group coordinator, move to the others, and the controller keeps reading lag and deciding.
 * Three real brokers (Kafka's test kit, replication factor 3), the real controller loop, the mock
 * API server.
 */
class ControllerBrokerFailoverTest {

  private KafkaClusterTestKit kafka;
  private MockCluster cluster;
  private KubernetesClients clients;
  private Controller controller;

  @BeforeEach
  void start() throws Exception {
    kafka =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(false)
                    .setNumBrokerNodes(3)
                    .setNumControllerNodes(1)
                    .build())
            .setConfigProp("offsets.topic.replication.factor", "3")
            .setConfigProp("offsets.topic.num.partitions", "3")
            .setConfigProp("min.insync.replicas", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .build();
    kafka.format();
    kafka.startup();
    kafka.waitForReadyBrokers();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("orders", 6, (short) 3))).all().get();
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                  ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                  ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
        for (int p = 0; p < 6; p++) {
          for (int i = 0; i < 100; i++) {
            producer.send(new ProducerRecord<>("orders", p, "k", "v"));
          }
        }
        producer.flush();
      }
      Map<TopicPartition, Long> offsets = new HashMap<>();
      for (int p = 0; p < 6; p++) {
        offsets.put(new TopicPartition("orders", p), 50L);
      }
      GroupOffsetsSeeder.commit(admin, "orders", offsets);
    }
    cluster = new MockCluster();
    cluster.createDeployment("shop", "orders", 3);
    cluster.deploymentStatus("shop", "orders", 3, 3);
    clients = cluster.clients("lag-scaler-0");
    controller =
        new Controller(
            io.lagscaler.cli.RunCommand.lagReaders(Clock.systemUTC()),
            clients.scaler(),
            clients.recorder(Clock.systemUTC()),
            Leadership.alone("lag-scaler-0"),
            new ScalerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false),
            Clock.systemUTC(),
            rejection -> {},
            Map.<String, String>of()::get,
            false);
    assertThat(
            controller.offer(
                """
                kafka:
                  bootstrapServers: %s
                  requestTimeout: 2s
                pollInterval: 1s
                defaults: {mode: lag, lagPerReplica: 100, tolerance: 0, settleTime: 0s,
                           stepAhead: 0s, evenDistribution: false}
                targets:
                  - {name: orders, namespace: shop, workload: orders, consumerGroup: orders}
                """
                    .formatted(kafka.bootstrapServers()),
                "test"))
        .isTrue();
  }

  @AfterEach
  void stop() throws Exception {
    if (controller != null) {
      controller.close();
    }
    clients.informers().close();
    cluster.close();
    kafka.close();
  }

  @Test
  void lagIsStillReadAfterOneBrokerOfThreeStopsAndLeadershipMoves() throws Exception {
    ControllerStatus before = controller.pollOnce();
    assertThat(before.targets().getFirst().signals()).isInstanceOf(GroupSignals.Observed.class);
    assertThat(((GroupSignals.Observed) before.targets().getFirst().signals()).totalLag())
        .isEqualTo(300);
    int stopped = kafka.brokers().keySet().iterator().next();

    kafka.brokers().get(stopped).shutdown();
    kafka.brokers().get(stopped).awaitShutdown();

    // Leadership moves within the controller's session timeout; the reads in between may fail
    // (held, never scaled on missing data), and lag is read again on the surviving brokers.
    ControllerStatus after = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int polls = 0;
    while (System.nanoTime() < deadline) {
      after = controller.pollOnce();
      polls++;
      var decision = after.targets().getFirst().decision().orElseThrow();
      assertThat(decision.replicas()).as("never scaled on missing data").isEqualTo(3);
      if (after.targets().getFirst().signals() instanceof GroupSignals.Observed) {
        break;
      }
      Thread.sleep(1000);
    }
    assertThat(after.targets().getFirst().signals())
        .as("read again after " + polls + " polls")
        .isInstanceOfSatisfying(
            GroupSignals.Observed.class, o -> assertThat(o.totalLag()).isEqualTo(300));
  }
}
