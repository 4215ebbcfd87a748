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
    List<Target> targets,
    Discovery discovery) {

  /** The cluster name the single {@code kafka:} form gets. */
  public static final String DEFAULT_CLUSTER = "default";

  public ScalerConfig {
    kafkaClusters =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(kafkaClusters));
    targets = List.copyOf(targets);
  }

  /** A config without discovery: only the listed targets. */
  public ScalerConfig(
      Map<String, KafkaConfig> kafkaClusters,
      Duration pollInterval,
      boolean dryRun,
      boolean partitionMetrics,
      SignalSettings signals,
      List<Target> targets) {
    this(kafkaClusters, pollInterval, dryRun, partitionMetrics, signals, targets, Discovery.NONE);
  }

  /**
   * Every namespace the controller works in: its targets' and discovery's. The informers watch
   * these, and RBAC is granted in each.
   */
  public java.util.SortedSet<String> namespaces() {
    java.util.SortedSet<String> all = new java.util.TreeSet<>(discovery.namespaces());
    targets.forEach(t -> all.add(t.workload().namespace()));
    return all;
  }

  /**
   * Targets found on the workloads themselves: in these namespaces, the Deployments and
   * StatefulSets that match the selector and carry {@code lagscaler.io/consumer-group} (see {@link
   * AnnotationTargets}).
   *
   * @param defaults the policy a discovered target starts from (the config's {@code defaults})
   */
  public record Discovery(
      List<String> namespaces, LabelSelector selector, io.lagscaler.decide.ScalingPolicy defaults) {

    /** No discovery. */
    public static final Discovery NONE =
        new Discovery(
            List.of(), LabelSelector.EVERYTHING, io.lagscaler.decide.ScalingPolicy.DEFAULTS);

    public Discovery {
      namespaces = List.copyOf(namespaces);
    }

    public boolean enabled() {
      return !namespaces.isEmpty();
    }
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

  /** The group reads of the config's own targets on one cluster. */
  public List<GroupQuery> groupQueries(String cluster) {
    return groupQueries(targets, cluster);
  }

  /**
   * The group reads of these targets (the config's and discovered ones) on one cluster, in target
   * order (a group read by two targets once).
   */
  public static List<GroupQuery> groupQueries(List<Target> targets, String cluster) {
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
