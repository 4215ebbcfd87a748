package io.lagscaler.config;

import io.lagscaler.act.WorkloadRef;
import io.lagscaler.decide.ScalingPolicy;
import io.lagscaler.observe.GroupQuery;
import io.lagscaler.observe.Isolation;
import io.lagscaler.observe.OffsetReset;
import io.lagscaler.signals.SignalSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * lag-scaler's whole config, valid by construction: {@link ConfigParser} builds it only when the
 * YAML has no error. docs/configuration.md documents every field.
 */
public record ScalerConfig(
    Map<String, KafkaConfig> kafkaClusters,
    Duration pollInterval,
    boolean dryRun,
    boolean partitionMetrics,
    SignalSettings signals,
    List<Target> targets) {

  /** The cluster name the single {@code kafka:} form gets. */
  public static final String DEFAULT_CLUSTER = "default";

  public ScalerConfig {
    kafkaClusters =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(kafkaClusters));
    targets = List.copyOf(targets);
  }

  /**
   * The settings of the cluster a target without {@code kafkaCluster} reads: the only cluster, or
   * the one named {@value #DEFAULT_CLUSTER}, or else the first.
   */
  public KafkaConfig kafka() {
    KafkaConfig named = kafkaClusters.get(DEFAULT_CLUSTER);
    return named != null ? named : kafkaClusters.values().iterator().next();
  }

  /** Where a cluster's settings sit in the config, for error messages. */
  public String clusterSection(String cluster) {
    return kafkaClusters.size() == 1 && kafkaClusters.containsKey(DEFAULT_CLUSTER)
        ? "kafka"
        : "kafkaClusters[" + cluster + "]";
  }

  /**
   * The group reads of the targets of one cluster, in target order (a group read by two targets
   * once).
   */
  public List<GroupQuery> groupQueries(String cluster) {
    Map<String, GroupQuery> byGroup = new java.util.LinkedHashMap<>();
    targets.stream()
        .filter(t -> t.kafkaCluster().equals(cluster))
        .forEach(t -> byGroup.putIfAbsent(t.consumerGroup(), t.groupQuery()));
    return List.copyOf(byGroup.values());
  }

  /**
   * How to reach one Kafka cluster (the {@code kafka:} section, or one entry of {@code
   * kafkaClusters:}).
   *
   * @param properties plain client properties (never secrets)
   * @param secretProperties client properties whose values come from an environment variable or a
   *     file, resolved when the controller connects
   */
  public record KafkaConfig(
      String bootstrapServers,
      Map<String, String> properties,
      Map<String, SecretRef> secretProperties,
      Duration requestTimeout) {
    public KafkaConfig {
      properties = Map.copyOf(properties);
      secretProperties = Map.copyOf(secretProperties);
    }
  }

  /** Where a secret client property comes from. */
  public sealed interface SecretRef {
    /** The value of an environment variable. */
    record Env(String variable) implements SecretRef {}

    /** The content of a file (a mounted Secret), trailing newline removed. */
    record File(Path path) implements SecretRef {}
  }

  /**
   * One workload to scale and the consumer group that drives it.
   *
   * @param kafkaCluster the name of the cluster the group lives in (a key of {@link
   *     #kafkaClusters()})
   * @param topics the topics to measure; empty = every topic the group has committed to
   */
  public record Target(
      String name,
      WorkloadRef workload,
      String kafkaCluster,
      String consumerGroup,
      SortedSet<String> topics,
      OffsetReset offsetReset,
      Isolation isolation,
      ScalingPolicy policy,
      boolean dryRun) {

    public GroupQuery groupQuery() {
      return new GroupQuery(consumerGroup, topics, isolation, offsetReset);
    }
  }
}
