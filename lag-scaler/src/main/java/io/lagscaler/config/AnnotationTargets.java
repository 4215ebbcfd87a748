package io.lagscaler.config;

import io.lagscaler.act.WorkloadRef;
import io.lagscaler.decide.ScalingPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Targets declared on the workload itself: {@code lagscaler.io/consumer-group} opts a workload in,
 * and {@code lagscaler.io/<field>} annotations set the per-target fields a config target has (the
 * kebab-case of its name: {@code min-replicas} for {@code minReplicas}). They are validated by the
 * same rules as the config, each error naming its annotation, over the config's {@code defaults}.
 * {@code behavior} (lists of rate policies) is config-only.
 */
public final class AnnotationTargets {

  public static final String PREFIX = "lagscaler.io/";

  /** The annotation that opts a workload in. */
  public static final String CONSUMER_GROUP = PREFIX + "consumer-group";

  /** The Kafka cluster of the target, by name ({@code kafkaClusters}); empty = the default. */
  public static final String KAFKA_CLUSTER = PREFIX + "kafka-cluster";

  /** lag-scaler's own annotations that are not target fields. */
  private static final Set<String> NOT_FIELDS = Set.of(PREFIX + "paused", PREFIX + "last-decision");

  /** Annotation (without the prefix) to config field; nested fields with a dot. */
  private static final Map<String, String> FIELDS = fields();

  private AnnotationTargets() {}

  private static Map<String, String> fields() {
    Map<String, String> f = new LinkedHashMap<>();
    for (String field :
        List.of(
            "consumerGroup",
            "kafkaCluster",
            "topics",
            "offsetReset",
            "isolation",
            "dryRun",
            "mode",
            "lagPerReplica",
            "targetLag",
            "targetUtilization",
            "priorReplicaRate",
            "rateSmoothing",
            "arrivalSmoothing",
            "minReplicas",
            "maxReplicas",
            "scaleToZero",
            "activationLag",
            "idlePeriod",
            "evenDistribution",
            "tolerance",
            "settleTime",
            "maxScaleEventsPerHour",
            "stepAhead",
            "expectedRebalance",
            "reactionTime",
            "maxSignalAge")) {
      f.put(kebab(field), field);
    }
    f.put("fallback-replicas", "fallback.replicas");
    f.put("fallback-after-failures", "fallback.afterFailures");
    return Map.copyOf(f);
  }

  static String kebab(String camel) {
    return camel.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
  }

  /** What a workload's annotations declare. */
  public sealed interface Result {}

  /** No {@code lagscaler.io/consumer-group}: not a target. */
  public record NotOptedIn() implements Result {}

  /**
   * A valid target.
   *
   * <p>Its cluster ({@code lagscaler.io/kafka-cluster}, checked against the config's clusters) is
   * {@code target.kafkaCluster()}.
   */
  public record Valid(ScalerConfig.Target target) implements Result {}

  /** Opted in, but some annotations are wrong: every error, each naming its annotation. */
  public record Invalid(WorkloadRef workload, List<ConfigError> errors) implements Result {
    public Invalid {
      errors = List.copyOf(errors);
    }

    /** One line for logs, Events and the status endpoint. */
    public String message() {
      return "invalid lag-scaler annotations on "
          + workload
          + ": "
          + String.join("; ", errors.stream().map(ConfigError::toString).toList());
    }
  }

  /** The name a discovered target is known by (in /status, metrics and logs). */
  public static String targetName(WorkloadRef workload) {
    return workload.namespace()
        + "/"
        + workload.kind().displayName().toLowerCase(java.util.Locale.ROOT)
        + "/"
        + workload.name();
  }

  /**
   * Reads a workload's {@code lagscaler.io/*} annotations over the config's policy defaults; its
   * cluster must be one of {@code clusters} (the config's).
   */
  public static Result parse(
      WorkloadRef workload,
      Map<String, String> annotations,
      ScalingPolicy defaults,
      Map<String, ScalerConfig.KafkaConfig> clusters) {
    if (!annotations.containsKey(CONSUMER_GROUP)) {
      return new NotOptedIn();
    }
    List<ConfigError> errors = new ArrayList<>();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("name", targetName(workload));
    fields.put("namespace", workload.namespace());
    fields.put("kind", workload.kind().displayName());
    fields.put("workload", workload.name());
    Map<String, Object> fallback = new LinkedHashMap<>();
    for (var annotation : new java.util.TreeMap<>(annotations).entrySet()) {
      String key = annotation.getKey();
      if (!key.startsWith(PREFIX) || NOT_FIELDS.contains(key)) {
        continue;
      }
      String field = FIELDS.get(key.substring(PREFIX.length()));
      if (field == null) {
        errors.add(
            new ConfigError(
                key,
                "unknown annotation; lag-scaler reads "
                    + new TreeSet<>(FIELDS.keySet()).stream().map(k -> PREFIX + k).toList()));
        continue;
      }
      Object value = scalar(annotation.getValue(), field);
      if (field.startsWith("fallback.")) {
        fallback.put(field.substring("fallback.".length()), value);
      } else {
        fields.put(field, value);
      }
    }
    if (!fallback.isEmpty()) {
      fields.put("fallback", fallback);
    }
    Node node = Node.root(fields, errors);
    var target = ConfigParser.target(node, defaults, clusters);
    if (!errors.isEmpty() || target.isEmpty()) {
      return new Invalid(workload, errors.stream().map(AnnotationTargets::named).toList());
    }
    return new Valid(target.get());
  }

  /**
   * An annotation's text as the YAML scalar it would be in the config ({@code "3"} a number, {@code
   * "true"} a boolean); {@code topics} is a comma-separated list.
   */
  private static Object scalar(String text, String field) {
    if (field.equals("topics")) {
      return Arrays.stream(text.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }
    if (field.equals("consumerGroup")) {
      return text.trim();
    }
    try {
      Object value = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
      // Anything but a scalar (a list, a mapping) stays text, so the field's own check names it.
      return value instanceof Map || value instanceof List ? text : value;
    } catch (YAMLException e) {
      return text;
    }
  }

  /** Errors name the annotation, not the config field it stands for. */
  private static ConfigError named(ConfigError error) {
    if (error.path().startsWith(PREFIX)) {
      return error;
    }
    for (var f : FIELDS.entrySet()) {
      if (f.getValue().equals(error.path())) {
        return new ConfigError(PREFIX + f.getKey(), error.message());
      }
    }
    if (error.path().equals("fallback")) {
      return new ConfigError(PREFIX + "fallback-replicas", error.message());
    }
    // A contradiction between fields (the engine's own rules) has no single annotation.
    return new ConfigError(error.path().isEmpty() ? "annotations" : error.path(), error.message());
  }
}
