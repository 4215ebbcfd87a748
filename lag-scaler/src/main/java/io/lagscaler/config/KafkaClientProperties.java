package io.lagscaler.config;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The Kafka client properties of a config, with secrets resolved from the environment or files at
 * connect time, and a redacted view for logs: a secret's value never reaches a log line.
 */
public final class KafkaClientProperties {

  static final String REDACTED = "[redacted]";

  private final Map<String, Object> resolved;
  private final Map<String, String> redacted;

  private KafkaClientProperties(Map<String, Object> resolved, Map<String, String> redacted) {
    this.resolved = Map.copyOf(resolved);
    this.redacted = java.util.Collections.unmodifiableMap(new TreeMap<>(redacted));
  }

  /** Resolves secrets from the process environment and the file system. */
  public static KafkaClientProperties resolve(ScalerConfig.KafkaConfig kafka)
      throws InvalidConfigException {
    return resolve(kafka, System::getenv);
  }

  /** Resolves secrets with the given environment (tests pass their own). */
  public static KafkaClientProperties resolve(
      ScalerConfig.KafkaConfig kafka, Function<String, String> environment)
      throws InvalidConfigException {
    return resolve("kafka", kafka, environment);
  }

  /**
   * As {@link #resolve(ScalerConfig.KafkaConfig, Function)}, naming errors under {@code section}
   * (the cluster's place in the config, such as {@code kafkaClusters[orders]}).
   */
  public static KafkaClientProperties resolve(
      String section, ScalerConfig.KafkaConfig kafka, Function<String, String> environment)
      throws InvalidConfigException {
    Map<String, Object> props = new LinkedHashMap<>(kafka.properties());
    Map<String, String> shown = new LinkedHashMap<>(kafka.properties());
    props.put("bootstrap.servers", kafka.bootstrapServers());
    shown.put("bootstrap.servers", kafka.bootstrapServers());
    java.util.List<ConfigError> errors = new java.util.ArrayList<>();
    kafka
        .secretProperties()
        .forEach(
            (key, ref) -> {
              String path = section + ".secretProperties." + key;
              switch (ref) {
                case ScalerConfig.SecretRef.Env(String variable) -> {
                  String value = environment.apply(variable);
                  if (value == null || value.isEmpty()) {
                    errors.add(
                        new ConfigError(path, "environment variable " + variable + " is not set"));
                  } else {
                    props.put(key, value);
                  }
                }
                case ScalerConfig.SecretRef.File(java.nio.file.Path file) -> {
                  try {
                    props.put(key, Files.readString(file).stripTrailing());
                  } catch (IOException e) {
                    errors.add(
                        new ConfigError(path, "cannot read " + file + " (" + e.getMessage() + ")"));
                  }
                }
              }
              shown.put(key, REDACTED);
            });
    if (!errors.isEmpty()) {
      throw new InvalidConfigException(errors);
    }
    return new KafkaClientProperties(props, shown);
  }

  /** The properties to hand to the Kafka client, secrets included: never log this. */
  public Map<String, Object> forClient() {
    return resolved;
  }

  /** The same properties with every secret value replaced, safe for logs and the status page. */
  public Map<String, String> redacted() {
    return redacted;
  }

  @Override
  public String toString() {
    return redacted.toString();
  }
}
