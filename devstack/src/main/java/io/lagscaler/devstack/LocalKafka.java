package io.lagscaler.devstack;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft Kafka (combined broker and controller) running inside this JVM, built on
 * Kafka's own test kit. Ready in about 3 s; share one per test class or module (see {@link
 * KafkaExtension}) rather than one per test.
 */
public final class LocalKafka implements KafkaCluster {

  private final KafkaClusterTestKit cluster;

  private LocalKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** Starts a broker with single-node defaults (replication factors 1). */
  public static LocalKafka start() {
    return start(Map.of());
  }

  /**
   * Starts a broker; {@code overrides} are broker configs applied on top of the single-node
   * defaults.
   */
  public static LocalKafka start(Map<String, Object> overrides) {
    Map<String, Object> config = new LinkedHashMap<>(singleNodeDefaults());
    config.putAll(overrides);
    try {
      TestKitNodes nodes =
          new TestKitNodes.Builder()
              .setCombined(true)
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1)
              .build();
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
      config.forEach(builder::setConfigProp);
      KafkaClusterTestKit cluster = builder.build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new LocalKafka(cluster);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("could not start the in-process Kafka broker: " + e, e);
    }
  }

  static Map<String, Object> singleNodeDefaults() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("offsets.topic.replication.factor", "1");
    config.put("offsets.topic.num.partitions", "4");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("share.coordinator.state.topic.replication.factor", "1");
    config.put("share.coordinator.state.topic.min.isr", "1");
    config.put("group.initial.rebalance.delay.ms", "0");
    config.put("auto.create.topics.enable", "false");
    return config;
  }

  @Override
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  @Override
  public int brokerCount() {
    return cluster.brokers().size();
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("could not stop the in-process Kafka broker: " + e, e);
    }
  }
}
