package io.lagscaler.config;

import io.lagscaler.act.WorkloadKind;
import io.lagscaler.act.WorkloadRef;
import io.lagscaler.decide.ScalingPolicy;
import io.lagscaler.observe.Isolation;
import io.lagscaler.observe.OffsetReset;
import io.lagscaler.signals.SignalSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads lag-scaler's YAML config into a {@link ScalerConfig}, all at once: every error is reported
 * with its field path, unknown fields and wrong types are errors, contradictions are rejected, and
 * nothing is returned unless all of it is valid.
 *
 * <p>Policy values resolve in three layers: the engine's built-in defaults, then {@code defaults}
 * in the config, then each target's {@code policy}.
 */
public final class ConfigParser {

  /** Kubernetes names: DNS-1123 labels and subdomains. */
  private static final Pattern K8S_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  /** Client properties whose values are secrets: they must come from secretProperties. */
  private static final Pattern SECRET_KEY =
      Pattern.compile(".*(password|jaas\\.config|secret|token|credentials|\\.key$).*");

  private static final ScalingPolicy BUILT_IN = ScalingPolicy.DEFAULTS;

  private ConfigParser() {}

  /** Parses and validates; throws with every error found. */
  public static ScalerConfig parse(String yaml) throws InvalidConfigException {
    List<ConfigError> errors = new ArrayList<>();
    Object document;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(10);
      document = new Yaml(new SafeConstructor(options)).load(yaml);
    } catch (MarkedYAMLException e) {
      throw new InvalidConfigException(
          List.of(
              new ConfigError(
                  "",
                  "not valid YAML at line "
                      + (e.getProblemMark().getLine() + 1)
                      + ", column "
                      + (e.getProblemMark().getColumn() + 1)
                      + ": "
                      + e.getProblem())));
    } catch (YAMLException e) {
      throw new InvalidConfigException(
          List.of(new ConfigError("", "not valid YAML: " + e.getMessage())));
    }
    if (document == null) {
      throw new InvalidConfigException(
          List.of(new ConfigError("", "the config is empty: it needs at least kafka and targets")));
    }
    if (!(document instanceof Map<?, ?> map)) {
      throw new InvalidConfigException(
          List.of(
              new ConfigError(
                  "", "the config must be a YAML mapping, was " + Node.describe(document))));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> root = new LinkedHashMap<>((Map<String, Object>) map);
    Node node = Node.root(root, errors);

    Map<String, ScalerConfig.KafkaConfig> clusters = kafkaClusters(node);
    Duration pollInterval =
        node.duration("pollInterval", Duration.ofSeconds(5), Duration.ofMillis(500));
    boolean dryRun = node.bool("dryRun", false);
    boolean partitionMetrics = node.bool("partitionMetrics", false);
    SignalSettings signals = signals(node);
    ScalingPolicy defaults = node.child("defaults").map(d -> policy(d, BUILT_IN)).orElse(BUILT_IN);

    List<ScalerConfig.Target> targets = new ArrayList<>();
    List<Node> targetNodes = node.children("targets");
    // With discovery, the explicit list may be absent: the workloads declare themselves.
    if (!node.has("targets") && !node.has("discovery")) {
      node.error("targets", "is required: list the workloads to scale (or give discovery)");
    }
    Map<String, String> names = new HashMap<>();
    Map<WorkloadRef, String> workloads = new HashMap<>();
    for (Node t : targetNodes) {
      Optional<ScalerConfig.Target> target = target(t, defaults, clusters);
      target.ifPresent(
          x -> {
            String other = names.putIfAbsent(x.name(), t.path());
            if (other != null) {
              t.error("name", "'" + x.name() + "' is already the name of " + other);
            }
            String sameWorkload = workloads.putIfAbsent(x.workload(), t.path());
            if (sameWorkload != null) {
              t.error(
                  "workload",
                  x.workload()
                      + " is already scaled by "
                      + sameWorkload
                      + ": two targets would fight");
            }
            targets.add(x);
          });
    }
    ScalerConfig.Discovery discovery =
        node.child("discovery")
            .map(d -> discovery(d, defaults))
            .orElse(ScalerConfig.Discovery.NONE);
    node.finish();
    if (!errors.isEmpty()) {
      throw new InvalidConfigException(errors);
    }
    return new ScalerConfig(
        clusters, pollInterval, dryRun, partitionMetrics, signals, targets, discovery);
  }

  /**
   * {@code discovery: {namespaces: [...], selector: "..."}}: where to look for workloads that
   * declare their target in annotations.
   */
  private static ScalerConfig.Discovery discovery(Node d, ScalingPolicy defaults) {
    List<String> namespaces = d.strings("namespaces");
    if (namespaces.isEmpty()) {
      d.error("namespaces", "is required: list at least one namespace to look for workloads in");
    }
    for (String ns : namespaces) {
      if (!K8S_NAME.matcher(ns).matches()) {
        d.error("namespaces", "'" + ns + "' is not a valid Kubernetes namespace name");
      }
    }
    LabelSelector selector = LabelSelector.EVERYTHING;
    Optional<String> text = d.string("selector");
    if (text.isPresent()) {
      try {
        selector = LabelSelector.parse(text.get());
      } catch (IllegalArgumentException e) {
        d.error("selector", e.getMessage());
      }
    }
    d.finish();
    return new ScalerConfig.Discovery(
        List.copyOf(new TreeSet<>(namespaces)), selector, defaults == null ? BUILT_IN : defaults);
  }

  /** Cluster names: lowercase, digits and dashes (they appear in logs, status and metrics). */
  private static final Pattern CLUSTER_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /**
   * The clusters, by name in config order: the single {@code kafka:} form is one cluster named
   * {@value ScalerConfig#DEFAULT_CLUSTER}; {@code kafkaClusters:} names each one.
   */
  private static Map<String, ScalerConfig.KafkaConfig> kafkaClusters(Node root) {
    Map<String, ScalerConfig.KafkaConfig> clusters = new LinkedHashMap<>();
    boolean single = root.has("kafka");
    boolean several = root.has("kafkaClusters");
    if (single && several) {
      root.error(
          "kafkaClusters",
          "give either kafka (one cluster) or kafkaClusters (named clusters), not both");
    }
    if (!single && !several) {
      root.error(
          "kafka",
          "is required: at least kafka.bootstrapServers (or kafkaClusters, a list of named"
              + " clusters)");
    }
    root.child("kafka")
        .ifPresent(
            k -> {
              ScalerConfig.KafkaConfig settings = kafkaSettings(k);
              k.finish();
              if (!several) {
                clusters.put(ScalerConfig.DEFAULT_CLUSTER, settings);
              }
            });
    Map<String, String> seen = new HashMap<>();
    List<Node> entries = root.children("kafkaClusters");
    if (several && entries.isEmpty() && root.errorCount() == 0) {
      root.error("kafkaClusters", "is empty: name at least one cluster");
    }
    for (Node c : entries) {
      String name = c.requiredString("name");
      if (!name.isEmpty() && !CLUSTER_NAME.matcher(name).matches()) {
        c.error("name", "'" + name + "' is not a valid cluster name (lowercase, digits and -)");
      }
      String other = name.isEmpty() ? null : seen.putIfAbsent(name, c.path());
      if (other != null) {
        c.error("name", "'" + name + "' is already the name of " + other);
      }
      ScalerConfig.KafkaConfig settings = kafkaSettings(c);
      c.finish();
      if (!single && !name.isEmpty() && other == null) {
        clusters.put(name, settings);
      }
    }
    return clusters;
  }

  /** One cluster's connection settings; the caller finishes the node (it may hold a name). */
  private static ScalerConfig.KafkaConfig kafkaSettings(Node k) {
    String bootstrap = k.requiredString("bootstrapServers");
    Map<String, String> properties = k.stringMap("properties");
    properties.forEach(
        (key, value) -> {
          if (key.equals("bootstrap.servers")) {
            k.error("properties." + key, "set " + k.path("bootstrapServers") + " instead");
          } else if (SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches()) {
            k.error(
                "properties." + key,
                "looks like a secret: give it under "
                    + k.path("secretProperties")
                    + " with env or file, never inline");
          }
        });
    Map<String, ScalerConfig.SecretRef> secrets = new LinkedHashMap<>();
    k.child("secretProperties")
        .ifPresent(
            s -> {
              for (String key : new ArrayList<>(rawKeys(s))) {
                s.child(key)
                    .ifPresent(
                        ref -> {
                          Optional<String> env = ref.string("env");
                          Optional<String> file = ref.string("file");
                          if (env.isPresent() == file.isPresent()) {
                            ref.error(null, "give exactly one of env or file");
                          } else {
                            secrets.put(
                                key,
                                env.<ScalerConfig.SecretRef>map(ScalerConfig.SecretRef.Env::new)
                                    .orElseGet(
                                        () ->
                                            new ScalerConfig.SecretRef.File(Path.of(file.get()))));
                          }
                          ref.finish();
                        });
                if (properties.containsKey(key)) {
                  s.error(key, "is also set in " + k.path("properties") + ": give it once");
                }
              }
              s.finish();
            });
    Duration timeout = k.duration("requestTimeout", Duration.ofSeconds(10), Duration.ofMillis(100));
    return new ScalerConfig.KafkaConfig(bootstrap, properties, secrets, timeout);
  }

  /**
   * The cluster a target reads: the one it names, else the only one, else the one named {@value
   * ScalerConfig#DEFAULT_CLUSTER}. Empty (error recorded) when none fits.
   */
  private static Optional<String> targetCluster(Node t, Map<String, ScalerConfig.KafkaConfig> all) {
    Optional<String> named = t.string("kafkaCluster");
    if (all.isEmpty()) {
      return Optional.empty(); // the cluster section itself is wrong and says so
    }
    if (named.isPresent()) {
      if (!all.containsKey(named.get())) {
        t.error(
            "kafkaCluster",
            "'"
                + named.get()
                + "' is not a configured cluster; the clusters are: "
                + String.join(", ", all.keySet()));
        return Optional.empty();
      }
      return named;
    }
    if (all.size() == 1) {
      return Optional.of(all.keySet().iterator().next());
    }
    if (all.containsKey(ScalerConfig.DEFAULT_CLUSTER)) {
      return Optional.of(ScalerConfig.DEFAULT_CLUSTER);
    }
    t.error(
        "kafkaCluster",
        "is required: there are several kafkaClusters ("
            + String.join(", ", all.keySet())
            + ") and none is named '"
            + ScalerConfig.DEFAULT_CLUSTER
            + "'");
    return Optional.empty();
  }

  private static List<String> rawKeys(Node node) {
    return node.keys();
  }

  private static SignalSettings signals(Node root) {
    SignalSettings d = SignalSettings.DEFAULTS;
    Optional<Node> child = root.child("signals");
    if (child.isEmpty()) {
      return d;
    }
    Node s = child.get();
    SignalSettings settings =
        new SignalSettings(
            s.integer("historySize", d.historySize(), 2, 4096),
            s.duration("rateWindow", d.rateWindow(), Duration.ofSeconds(1)),
            s.duration("statusWindow", d.statusWindow(), Duration.ofSeconds(1)),
            s.duration("stallAfter", d.stallAfter(), Duration.ofSeconds(1)),
            s.enumValue("timeLag", SignalSettings.TimeLagSource.class, d.timeLag()));
    s.finish();
    return settings;
  }

  /** One target from its fields (a config entry, or a workload's annotations). */
  static Optional<ScalerConfig.Target> target(
      Node t, ScalingPolicy defaults, Map<String, ScalerConfig.KafkaConfig> clusters) {
    int before = t.errorCount();
    String name = t.requiredString("name");
    String namespace = t.requiredString("namespace");
    String workloadName = t.requiredString("workload");
    String kindText = t.string("kind").orElse("Deployment");
    Optional<WorkloadKind> kind = WorkloadKind.ofKind(kindText);
    if (kind.isEmpty()) {
      t.error("kind", "'" + kindText + "' is not one of Deployment, StatefulSet");
    }
    for (String[] field : new String[][] {{"namespace", namespace}, {"workload", workloadName}}) {
      if (!field[1].isEmpty() && !K8S_NAME.matcher(field[1]).matches()) {
        t.error(
            field[0],
            "'" + field[1] + "' is not a valid Kubernetes name (lowercase, digits, - and .)");
      }
    }
    Optional<String> cluster = targetCluster(t, clusters);
    String group = t.requiredString("consumerGroup");
    TreeSet<String> topics = new TreeSet<>(t.strings("topics"));
    OffsetReset reset = t.enumValue("offsetReset", OffsetReset.class, OffsetReset.LATEST);
    Isolation isolation = t.enumValue("isolation", Isolation.class, Isolation.READ_UNCOMMITTED);
    boolean dryRun = t.bool("dryRun", false);
    // Policy fields sit on the target itself, over the config's defaults.
    ScalingPolicy policy = policy(t, defaults);
    t.finish();
    if (t.errorCount() > before || kind.isEmpty() || policy == null || cluster.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ScalerConfig.Target(
            name,
            new WorkloadRef(namespace, kind.get(), workloadName),
            cluster.get(),
            group,
            topics,
            reset,
            isolation,
            policy,
            dryRun));
  }

  /**
   * Reads policy fields over {@code base}. Returns null (errors recorded) when a field or the
   * combination is invalid. The caller finishes the node (it may hold other fields).
   */
  static ScalingPolicy policy(Node p, ScalingPolicy given) {
    // A defaults section with errors yields null; targets then read over the built-in defaults.
    ScalingPolicy base = given == null ? BUILT_IN : given;
    int before = p.errorCount();
    ScalingPolicy.Builder b = base.toBuilder();
    b.mode(p.enumValue("mode", ScalingPolicy.Mode.class, base.mode()));
    b.lagPerReplica(p.longValue("lagPerReplica", base.lagPerReplica(), 1));
    b.targetLag(p.duration("targetLag", base.targetLag(), Duration.ofSeconds(1)));
    b.targetUtilization(p.number("targetUtilization", base.targetUtilization(), 0, 1));
    b.priorReplicaRate(p.number("priorReplicaRate", base.priorReplicaRate(), 0, 1e9));
    b.rateSmoothing(p.number("rateSmoothing", base.rateSmoothing(), 0, 1));
    b.arrivalSmoothing(p.number("arrivalSmoothing", base.arrivalSmoothing(), 0, 1));
    int min = p.integer("minReplicas", base.minReplicas(), 0, 10_000);
    int max = p.integer("maxReplicas", base.maxReplicas(), 0, 10_000);
    b.minReplicas(min).maxReplicas(max);
    boolean toZero = p.bool("scaleToZero", base.scaleToZero());
    b.scaleToZero(toZero);
    b.activationLag(p.longValue("activationLag", base.activationLag(), 0));
    b.idlePeriod(p.duration("idlePeriod", base.idlePeriod(), Duration.ZERO));
    b.evenDistribution(p.bool("evenDistribution", base.evenDistribution()));
    b.tolerance(p.number("tolerance", base.tolerance(), -1e-9, 0.99));
    b.standingLagShare(p.number("standingLagShare", base.standingLagShare(), -1e-9, 0.99));
    b.settleTime(p.duration("settleTime", base.settleTime(), Duration.ZERO));
    b.maxScaleEventsPerHour(
        p.integer("maxScaleEventsPerHour", base.maxScaleEventsPerHour(), 1, 3600));
    b.stepAhead(p.duration("stepAhead", base.stepAhead(), Duration.ZERO));
    b.expectedRebalance(p.duration("expectedRebalance", base.expectedRebalance(), Duration.ZERO));
    b.reactionTime(p.duration("reactionTime", base.reactionTime(), Duration.ZERO));
    b.maxSignalAge(p.duration("maxSignalAge", base.maxSignalAge(), Duration.ofSeconds(1)));
    ScalingPolicy.ScalingRules up = base.scaleUp();
    ScalingPolicy.ScalingRules down = base.scaleDown();
    Optional<Node> behavior = p.child("behavior");
    if (behavior.isPresent()) {
      Node bh = behavior.get();
      up = bh.child("scaleUp").map(n -> rules(n, base.scaleUp())).orElse(up);
      down = bh.child("scaleDown").map(n -> rules(n, base.scaleDown())).orElse(down);
      bh.finish();
    }
    b.scaleUp(up).scaleDown(down);
    OptionalInt fallback = base.fallbackReplicas();
    int failures = base.failuresBeforeFallback();
    Optional<Node> fb = p.child("fallback");
    if (fb.isPresent()) {
      Node f = fb.get();
      fallback =
          f.has("replicas")
              ? OptionalInt.of(f.integer("replicas", 1, 1, 10_000))
              : OptionalInt.empty();
      if (!f.has("replicas")) {
        f.integer("replicas", 1, 1, 10_000);
      }
      failures = f.integer("afterFailures", failures, 1, 1000);
      f.finish();
    }
    b.fallbackReplicas(fallback).failuresBeforeFallback(failures);

    // Contradictions, each message naming both fields.
    if (max < min) {
      p.error("maxReplicas", max + " is below minReplicas " + min);
    } else if (max < 1) {
      p.error("maxReplicas", "must be at least 1");
    }
    if (min == 0 && !toZero) {
      p.error("minReplicas", "0 requires scaleToZero: true (or set minReplicas >= 1)");
    }
    if (fallback.isPresent() && fallback.getAsInt() > max) {
      p.error("fallback.replicas", fallback.getAsInt() + " is above maxReplicas " + max);
    }
    if (p.errorCount() > before) {
      return null;
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      // Any rule the engine enforces that the checks above do not name.
      p.error(null, e.getMessage());
      return null;
    }
  }

  private static ScalingPolicy.ScalingRules rules(Node n, ScalingPolicy.ScalingRules base) {
    Duration window = n.duration("stabilizationWindow", base.stabilizationWindow(), Duration.ZERO);
    ScalingPolicy.Select select =
        n.enumValue("selectPolicy", ScalingPolicy.Select.class, base.select());
    List<ScalingPolicy.RatePolicy> policies = new ArrayList<>(base.policies());
    if (n.has("policies")) {
      policies.clear();
      for (Node r : n.children("policies")) {
        ScalingPolicy.PolicyType type = r.enumValue("type", ScalingPolicy.PolicyType.class, null);
        if (type == null && !r.has("type")) {
          r.error("type", "is required: pods or percent");
        }
        int value = r.integer("value", 0, 1, 100_000);
        if (!r.has("value")) {
          r.error("value", "is required");
        }
        Duration period = r.duration("period", Duration.ofSeconds(15), Duration.ofSeconds(1));
        r.finish();
        if (type != null && value > 0) {
          policies.add(new ScalingPolicy.RatePolicy(type, value, period));
        }
      }
      if (policies.isEmpty() && select != ScalingPolicy.Select.DISABLED) {
        n.error("policies", "is empty: give at least one policy or selectPolicy: disabled");
      }
    } else {
      n.children("policies");
    }
    n.finish();
    return new ScalingPolicy.ScalingRules(window, select, policies);
  }
}
