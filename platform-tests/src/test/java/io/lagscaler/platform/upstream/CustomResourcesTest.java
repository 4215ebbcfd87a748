package io.lagscaler.platform.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import io.lagscaler.platform.Repo;
import io.lagscaler.platform.helm.Charts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The custom resources this repository renders, validated strictly against the operators' CRD
 * schemas at the pinned versions (../shared/upstream/crds): a field the CRD does not declare, a
 * wrong type or a missing required field fails here instead of being pruned by the API server.
 */
class CustomResourcesTest {

  private static Map<String, Schema> strimzi;
  private static Map<String, Schema> karpenter;
  private static Map<String, Schema> externalSecrets;
  private static Map<String, Schema> velero;

  @BeforeAll
  static void loadCrds() {
    strimzi = JsonSchemas.crdSchemas(Upstream.crds("strimzi-0.48.0"));
    karpenter = JsonSchemas.crdSchemas(Upstream.crds("karpenter-1.14.1"));
    externalSecrets = JsonSchemas.crdSchemas(Upstream.crds("external-secrets-2.9.0"));
    velero = JsonSchemas.crdSchemas(Upstream.crds("velero-1.18.1"));
  }

  /** helm/platform with an environment's values and every operator's resources on. */
  static List<Map<String, Object>> platform(String env) {
    Path chart = Repo.path("helm/platform");
    return Charts.template(
        chart,
        chart.resolve("values-" + env + ".yaml"),
        Map.of(
            "kafka.cluster.enabled", "true",
            "karpenter.enabled", "true",
            "karpenter.nodeRole", "lag-scaler-NodeRole-ABC",
            "externalSecrets.enabled", "true"));
  }

  static List<Map<String, Object>> inGroup(List<Map<String, Object>> manifests, String group) {
    return manifests.stream()
        .filter(m -> String.valueOf(m.get("apiVersion")).startsWith(group + "/"))
        .toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "stage", "prod"})
  void karpenterNodePoolsAndNodeClassOfEveryEnvironmentMatchTheKarpenterCrds(String env) {
    List<Map<String, Object>> rendered = platform(env);
    List<Map<String, Object>> resources = new ArrayList<>(inGroup(rendered, "karpenter.sh"));
    resources.addAll(inGroup(rendered, "karpenter.k8s.aws"));
    assertThat(resources).extracting(m -> m.get("kind")).contains("NodePool", "EC2NodeClass");
    assertThat(validateAll(karpenter, resources)).as(env).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "stage", "prod"})
  void externalSecretsAndTheirStoreOfEveryEnvironmentMatchTheExternalSecretsCrds(String env) {
    List<Map<String, Object>> resources = inGroup(platform(env), "external-secrets.io");
    assertThat(resources)
        .extracting(m -> m.get("kind"))
        .contains("ClusterSecretStore", "ExternalSecret");
    assertThat(validateAll(externalSecrets, resources)).as(env).isEmpty();
  }

  /**
   * The velero chart turns each entry of values.schedules into a Schedule (name, spec.schedule,
   * spec.template, spec.useOwnerReferencesInBackup): built the same way here from the base values
   * with each environment's overlay, and checked against Velero's Schedule CRD.
   */
  @ParameterizedTest
  @ValueSource(strings = {"dev", "stage", "prod"})
  @SuppressWarnings("unchecked")
  void veleroSchedulesOfEveryEnvironmentMatchTheScheduleCrdAndCoverTheDataStores(String env) {
    Path thirdParty = Repo.path("helm/platform/third-party");
    Map<String, Object> values = Charts.readYaml(thirdParty.resolve("velero.yaml"));
    Path overlay = thirdParty.resolve(env).resolve("velero.yaml");
    if (java.nio.file.Files.isRegularFile(overlay)) {
      values = Charts.merge(values, Charts.readYaml(overlay));
    }
    Map<String, Object> schedules = (Map<String, Object>) values.get("schedules");
    assertThat(schedules).isNotEmpty();
    for (Map.Entry<String, Object> entry : schedules.entrySet()) {
      Map<String, Object> settings = (Map<String, Object>) entry.getValue();
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("schedule", settings.get("schedule"));
      spec.put("template", settings.get("template"));
      spec.put("useOwnerReferencesInBackup", settings.get("useOwnerReferencesInBackup"));
      Map<String, Object> schedule =
          Map.of(
              "apiVersion",
              "velero.io/v1",
              "kind",
              "Schedule",
              "metadata",
              Map.of("name", "velero-" + entry.getKey(), "namespace", "velero"),
              "spec",
              spec);
      assertThat(JsonSchemas.validateResource(velero, schedule)).as(env).isEmpty();
      Map<String, Object> template = (Map<String, Object>) settings.get("template");
      assertThat((List<Object>) template.get("includedNamespaces"))
          .containsExactlyInAnyOrder("kafka", "redis", "neo4j");
      assertThat(template).containsEntry("snapshotVolumes", true);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "stage", "prod"})
  void strimziKafkaAndNodePoolsOfEveryEnvironmentMatchTheStrimziCrds(String env) {
    List<Map<String, Object>> resources = inGroup(platform(env), "kafka.strimzi.io");
    assertThat(resources)
        .extracting(m -> m.get("kind"))
        .containsExactlyInAnyOrder("Kafka", "KafkaNodePool", "KafkaNodePool");
    assertThat(validateAll(strimzi, resources)).as(env).isEmpty();
  }

  @Test
  void aFieldTheCrdDoesNotDeclareFailsWithItsPath() {
    Map<String, Object> pool = new LinkedHashMap<>();
    pool.put("apiVersion", "kafka.strimzi.io/v1beta2");
    pool.put("kind", "KafkaNodePool");
    pool.put("metadata", Map.of("name", "brokers", "namespace", "kafka"));
    pool.put(
        "spec",
        Map.of(
            "replicas", 3,
            "roles", List.of("broker"),
            "storage", Map.of("type", "ephemeral"),
            "template", Map.of("pod", Map.of("tolerashuns", List.of()))));
    assertThat(JsonSchemas.validateResource(strimzi, pool))
        .singleElement()
        .asString()
        .contains("KafkaNodePool kafka/brokers", "template", "pod", "tolerashuns");
  }

  @Test
  void aVersionNoCrdServesFails() {
    Map<String, Object> kafka =
        Map.of(
            "apiVersion",
            "kafka.strimzi.io/v1alpha9",
            "kind",
            "Kafka",
            "metadata",
            Map.of("name", "k"),
            "spec",
            Map.of());
    assertThat(JsonSchemas.validateResource(strimzi, kafka))
        .containsExactly("Kafka k: no CRD serves kafka.strimzi.io/v1alpha9 Kafka");
  }

  static List<String> validateAll(
      Map<String, Schema> schemas, List<Map<String, Object>> resources) {
    List<String> problems = new ArrayList<>();
    for (Map<String, Object> resource : resources) {
      problems.addAll(JsonSchemas.validateResource(schemas, resource));
    }
    return problems;
  }
}
