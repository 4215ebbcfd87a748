package io.lagscaler.platform.helm;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParser;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Strict validation of rendered manifests against the Kubernetes OpenAPI models of client-java-api:
 * {@code V1NetworkPolicy.validateJsonElement} and its kin reject unknown fields and missing
 * required ones at every depth (fabric8's models would accept them silently).
 */
public final class KubernetesSchemas {

  private static final Gson GSON = new GsonBuilder().serializeNulls().create();

  /**
   * Custom resources of third-party operators: no Kubernetes model here; CustomResourcesTest
   * validates them against the operators' CRDs (../shared/upstream/crds).
   */
  public static final Set<String> CUSTOM_KINDS =
      Set.of(
          "kafka.strimzi.io/Kafka",
          "kafka.strimzi.io/KafkaNodePool",
          "karpenter.sh/NodePool",
          "karpenter.k8s.aws/EC2NodeClass",
          "external-secrets.io/ClusterSecretStore",
          "external-secrets.io/ExternalSecret",
          "argoproj.io/Application",
          "argoproj.io/AppProject",
          "monitoring.coreos.com/PodMonitor",
          "monitoring.coreos.com/ServiceMonitor",
          "monitoring.coreos.com/PrometheusRule");

  private KubernetesSchemas() {}

  /**
   * Validates one manifest; returns the problem, or empty when it conforms. A built-in kind without
   * a model, or an unknown custom kind, is a problem too: nothing passes unchecked.
   */
  public static Optional<String> validate(Map<String, Object> manifest) {
    String apiVersion = String.valueOf(manifest.get("apiVersion"));
    String kind = String.valueOf(manifest.get("kind"));
    String name = kind + " " + metadataName(manifest);
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    if (CUSTOM_KINDS.contains(group + "/" + kind)) {
      return Optional.empty();
    }
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    String model =
        "io.kubernetes.client.openapi.models."
            + Character.toUpperCase(version.charAt(0))
            + version.substring(1)
            + kind;
    Method validator;
    try {
      validator =
          Class.forName(model).getMethod("validateJsonElement", com.google.gson.JsonElement.class);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      return Optional.of(name + ": no Kubernetes schema for " + apiVersion + " " + kind);
    }
    try {
      validator.invoke(null, JsonParser.parseString(GSON.toJson(manifest)));
      return Optional.empty();
    } catch (InvocationTargetException e) {
      return Optional.of(name + ": " + e.getCause().getMessage());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  static String metadataName(Map<String, Object> manifest) {
    return manifest.get("metadata") instanceof Map<?, ?> metadata
        ? metadata.get("namespace") == null
            ? String.valueOf(metadata.get("name"))
            : metadata.get("namespace") + "/" + metadata.get("name")
        : "(no metadata)";
  }
}
