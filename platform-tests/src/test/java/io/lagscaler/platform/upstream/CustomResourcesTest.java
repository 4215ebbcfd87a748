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

  @BeforeAll
  static void loadCrds() {
    strimzi = JsonSchemas.crdSchemas(Upstream.crds("strimzi-0.48.0"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "stage", "prod"})
  void strimziKafkaAndNodePoolsOfEveryEnvironmentMatchTheStrimziCrds(String env) {
    Path chart = Repo.path("helm/platform");
    List<Map<String, Object>> rendered =
        Charts.template(
            chart,
            chart.resolve("values-" + env + ".yaml"),
            Map.of("kafka.cluster.enabled", "true"));
    List<Map<String, Object>> resources =
        rendered.stream()
            .filter(m -> String.valueOf(m.get("apiVersion")).startsWith("kafka.strimzi.io/"))
            .toList();
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
